"""Who may see a job: the person who started it, and the office of its jurisdiction. Anyone else: 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from fazhi_web.plans.access import AnyUser, get_or_404, managed_jurisdiction_ids

from .models import Job, JobKind, JobStatus


def visible_jobs(user: AnyUser) -> Any:
    if not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(Q(owner=user) | Q(jurisdiction_id__in=managed_jurisdiction_ids(user)))


def get_job_for_user(user: AnyUser, pk: int) -> Job:
    return get_or_404(visible_jobs(user).select_related("owner", "jurisdiction"), pk)  # type: ignore[no-any-return]


def unfinished_job(user: AnyUser, kind: JobKind, arguments: dict[str, Any]) -> Job | None:
    """This person's job of this kind on these arguments that is still waiting or running, if any."""
    if not user.is_authenticated:
        return None
    found = Job.objects.filter(owner=user, kind=kind, status__in=(JobStatus.QUEUED, JobStatus.RUNNING))
    return next((job for job in found.order_by("-pk") if all(job.arguments.get(k) == v for k, v in arguments.items())),
                None)
