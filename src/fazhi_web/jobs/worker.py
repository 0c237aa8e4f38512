"""The module Dramatiq's own command loads: ``dramatiq fazhi_web.jobs.worker`` (several processes, each with
threads; see ``dramatiq --help``). Django is set up here, before any model is imported, and the configured broker
becomes Dramatiq's global one. ``fazhi manage run_jobs`` does the same in one process."""

from __future__ import annotations

import os

import django
import dramatiq

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi_web.settings")
django.setup()

from fazhi_web.jobs.dispatch import job_actor  # noqa: E402  (after django.setup)

broker = job_actor().broker
dramatiq.set_broker(broker)
