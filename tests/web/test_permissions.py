"""Who may open and change what, for every page, every form and every API route, for every demo account.

Each table row reads as a sentence: "<view> of <target> answers <anonymous> <office> <office2> <reporter>
<reporter2> <leader> <upper>". The accounts (fazhi_web.plans.demo.ACCOUNTS): office administers 平昌县 and
office2 遂宁市 (the office of another jurisdiction: 平昌县 is under 巴中市, so office2 sees nothing of it, and office
nothing of 遂宁市); reporter and leader belong to 县司法局 and reporter2 to 县市场监督管理局 of 平昌县; upper views
四川省 (above 巴中市 › 平昌县, 遂宁市, 甘孜藏族自治州). 泾川县 (甘肃省) and 贵州省 are nobody's. The tracking objects
(cycles, reports, evidence, extensions, supervision orders) are made through ``fazhi_web.tracking.actions`` by
the same accounts, on the task 县司法局 leads and 县市场监督管理局 joins; a key such as ``sfj-submitted`` says
whose it is and how far it has gone.

Outcomes: a status code; ``login`` = 302 to the login page; ``go:NAME`` = 302 to that page; ``done`` =
the change was made (302 and the database changed). Every refusal also checks that nothing changed and
that the refused page does not show what it guards. A URL added without a row here fails
``test_every_url_has_a_row``.
"""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any, ClassVar
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from fazhi_web.api.api import api
from fazhi_web.api.models import ApiToken
from fazhi_web.jobs.actions import enqueue_job
from fazhi_web.jobs.models import Job, JobKind
from fazhi_web.plans import actions
from fazhi_web.plans.models import (
    Alias,
    Assignment,
    ImportDraft,
    Jurisdiction,
    Membership,
    Plan,
    SourceDocument,
    Task,
    TaskStatus,
    Unit,
    UnitGroup,
)
from fazhi_web.tracking import actions as tracking
from fazhi_web.tracking import bulk
from fazhi_web.tracking.annual import assemble_annual_report, publish_annual_report
from fazhi_web.tracking.models import (
    AnnualReport,
    AssessmentConfig,
    CalendarFeed,
    Cycle,
    Evidence,
    Extension,
    Follow,
    NotApplicable,
    Notification,
    Report,
    ScoreAdjustment,
    SupervisionOrder,
)

pytestmark = pytest.mark.django_db

USERS = ("anonymous", "office", "office2", "reporter", "reporter2", "leader", "upper")

# A small county plan in the house style: 一、（一）1. numbering and （牵头单位：…） clauses, every unit in
# 平昌县's registry (and in 泾川县's), so a draft of it can be published as it is.
PLAN_TEXT = """平昌县2025年法治政府建设工作要点

一、推进政府职能依法全面履行

（一）深化行政审批制度改革

1.动态调整权责清单，规范行政许可事项，2025年6月底前完成清单更新。（牵头单位：县司法局；配合单位：县市场监督管理局、县财政局）

2.全面推行“双随机、一公开”监管，抽查事项覆盖率达到100%。（牵头单位：县市场监督管理局；配合单位：县司法局）

二、健全依法行政制度体系

（一）严格规范性文件管理

3.落实规范性文件合法性审查机制，审查率达100%，2025年底前完成清理。（牵头单位：县司法局）
"""

# ------------------------------------------------------------------------------------------ the tables

# Pages read with GET.
#      view               target               anonymous office office2 reporter reporter2 leader upper
PAGES = [
    ("home",              None,                "go:public-plans go:jurisdictions go:jurisdictions go:my-tasks go:my-tasks go:my-tasks go:jurisdictions"),
    ("jurisdictions",     None,                "login 200 200 200 200 200 200"),
    ("jurisdiction",      "place:pingchang",   "login 200 404 200 200 200 200"),
    ("jurisdiction",      "place:sichuan",     "login 404 404 404 404 404 200"),
    ("jurisdiction",      "place:suining",     "login 404 200 404 404 404 200"),
    ("jurisdiction",      "place:jingchuan",   "login 404 404 404 404 404 404"),
    ("jurisdiction",      "place:guizhou",     "login 404 404 404 404 404 404"),
    ("units",             "place:pingchang",   "login 200 404 200 200 200 200"),
    ("units",             "place:suining",     "login 404 200 404 404 404 200"),
    ("units",             "place:jingchuan",   "login 404 404 404 404 404 404"),
    ("units",             "place:guizhou",     "login 404 404 404 404 404 404"),
    ("upload",            "place:pingchang",   "login 200 404 403 403 403 403"),
    ("upload",            "place:suining",     "login 404 200 404 404 404 403"),
    ("upload",            "place:jingchuan",   "login 404 404 404 404 404 404"),
    ("people",            "place:pingchang",   "login 200 404 403 403 403 403"),
    ("people",            "place:suining",     "login 404 200 404 404 404 403"),
    ("people",            "place:jingchuan",   "login 404 404 404 404 404 404"),
    ("draft",             "draft:pingchang",   "login 200 404 404 404 404 404"),
    ("draft",             "draft:jingchuan",   "login 404 404 404 404 404 404"),
    ("draft-original",    "draft:pingchang",   "login 200 404 404 404 404 404"),
    ("draft-original",    "draft:jingchuan",   "login 404 404 404 404 404 404"),
    ("plan",              "plan:pingchang",    "login 200 404 200 200 200 200"),
    ("plan",              "plan:suining",      "login 404 200 404 404 404 200"),
    ("plan",              "plan:ganzi",        "login 404 404 404 404 404 200"),
    ("plan",              "plan:jingchuan",    "login 404 404 404 404 404 404"),
    ("plan",              "plan:guizhou",      "login 404 404 404 404 404 404"),
    ("matrix",            "plan:pingchang",    "login 200 404 200 200 200 200"),
    ("matrix",            "plan:suining",      "login 404 200 404 404 404 200"),
    ("matrix",            "plan:jingchuan",    "login 404 404 404 404 404 404"),
    ("matrix",            "plan:guizhou",      "login 404 404 404 404 404 404"),
    ("dashboard",         "plan:pingchang",    "login 200 404 403 403 403 200"),
    ("dashboard",         "plan:suining",      "login 404 200 404 404 404 200"),
    ("dashboard",         "plan:jingchuan",    "login 404 404 404 404 404 404"),
    ("task",              "task:sfj",          "login 200 404 200 404 200 200"),
    ("task",              "task:scj",          "login 200 404 404 200 404 200"),
    ("task",              "task:neither",      "login 200 404 404 404 404 200"),
    ("task",              "task:suining",      "login 404 200 404 404 404 200"),
    ("task",              "task:jingchuan",    "login 404 404 404 404 404 404"),
    ("task",              "task:guizhou",      "login 404 404 404 404 404 404"),
    ("my-tasks",          None,                "login 200 200 200 200 200 200"),
    ("search",            None,                "login 200 200 200 200 200 200"),
    ("public-plans",      None,                "200 200 200 200 200 200 200"),
    ("public-plan",       "plan:pingchang",    "200 200 200 200 200 200 200"),
    ("public-plan",       "plan:jingchuan",    "200 200 200 200 200 200 200"),
    ("public-plan",       "plan:guizhou",      "200 200 200 200 200 200 200"),
    ("public-division",   "plan:pingchang",    "200 200 200 200 200 200 200"),
    ("public-division",   "plan:guizhou",      "200 200 200 200 200 200 200"),
    ("public-annual-list", None,               "200 200 200 200 200 200 200"),
    ("public-annual",     "annual:pingchang",  "404 404 404 404 404 404 404"),  # a draft is nobody's to read in public
    ("public-annual",     "published:sfj",     "200 200 200 200 200 200 200"),
    ("public-annual-docx", "annual:pingchang", "404 404 404 404 404 404 404"),
    ("public-annual-docx", "published:sfj",    "200 200 200 200 200 200 200"),
    ("healthz",           None,                "200 200 200 200 200 200 200"),
    ("login",             None,                "200 go:home go:home go:home go:home go:home go:home"),
    ("password_change",   None,                "login 200 200 200 200 200 200"),
    ("account-security",  None,                "login 200 200 200 200 200 200"),  # one's own two-step set-up
    ("logout",            None,                "405 405 405 405 405 405 405"),
    # tracking: a unit's draft is its own; from submission on, the office and the level above read it
    ("cycles",            "plan:pingchang",    "login 200 404 200 200 200 200"),
    ("cycles",            "plan:suining",      "login 404 200 404 404 404 200"),
    ("cycles",            "plan:jingchuan",    "login 404 404 404 404 404 404"),
    ("cycle",             "cycle:pingchang",   "login 200 404 200 200 200 200"),
    ("cycle",             "cycle:suining",     "login 404 200 404 404 404 200"),
    ("cycle",             "cycle:jingchuan",   "login 404 404 404 404 404 404"),
    ("report",            "report:sfj-draft",  "login 404 404 200 404 200 404"),
    ("report",            "report:sfj-submitted", "login 200 404 200 404 200 200"),
    ("report",            "report:sfj-approved", "login 200 404 200 404 200 200"),
    ("report",            "report:scj-contribution-draft", "login 404 404 404 200 404 404"),
    ("report",            "report:scj-contribution-submitted", "login 200 404 404 200 404 200"),
    ("report",            "report:scj-contribution-approved", "login 200 404 200 200 200 200"),
    ("report",            "report:suining-submitted", "login 404 200 404 404 404 200"),
    ("report",            "report:jingchuan-submitted", "login 404 404 404 404 404 404"),
    ("report-history",    "report:sfj-draft",  "login 404 404 200 404 200 404"),
    ("report-history",    "report:sfj-submitted", "login 200 404 200 404 200 200"),
    ("report-history",    "report:scj-contribution-draft", "login 404 404 404 200 404 404"),
    ("report-history",    "report:scj-contribution-approved", "login 200 404 200 200 200 200"),
    ("report-history",    "report:suining-submitted", "login 404 200 404 404 404 200"),
    ("report-history",    "report:jingchuan-submitted", "login 404 404 404 404 404 404"),
    ("evidence",          "evidence:sfj-draft", "login 404 404 200 404 200 404"),
    ("evidence",          "evidence:sfj-submitted", "login 200 404 200 404 200 200"),
    ("evidence",          "evidence:scj-contribution-draft", "login 404 404 404 200 404 404"),
    ("evidence",          "evidence:jingchuan-submitted", "login 404 404 404 404 404 404"),
    ("notifications",     None,                "login 200 200 200 200 200 200"),
    ("extension-request", "task:sfj",          "login 403 404 200 404 200 403"),
    ("extension-request", "task:scj",          "login 403 404 404 200 404 403"),
    ("extension-request", "task:neither",      "login 403 404 404 404 404 403"),
    ("extension-request", "task:suining",      "login 404 403 404 404 404 403"),
    ("extension-request", "task:jingchuan",    "login 404 404 404 404 404 404"),
    ("supervision",       "plan:pingchang",    "login 200 404 403 403 403 200"),
    ("supervision",       "plan:suining",      "login 404 200 404 404 404 200"),
    ("supervision",       "plan:jingchuan",    "login 404 404 404 404 404 404"),
    ("order",             "order:sfj",         "login 200 404 200 404 200 200"),
    ("order",             "order:suining",     "login 404 200 404 404 404 200"),
    ("order",             "order:jingchuan",   "login 404 404 404 404 404 404"),
    ("task-history",      "task:sfj",          "login 200 404 200 404 200 200"),
    ("task-history",      "task:neither",      "login 200 404 404 404 404 200"),
    ("task-history",      "task:suining",      "login 404 200 404 404 404 200"),
    ("task-history",      "task:jingchuan",    "login 404 404 404 404 404 404"),
    # assessment: the office and the level above see every unit; a unit sees its own line and breakdown
    ("assessment",        "plan:pingchang",    "login 200 404 200 200 200 200"),
    ("assessment",        "plan:suining",      "login 404 200 404 404 404 200"),
    ("assessment",        "plan:jingchuan",    "login 404 404 404 404 404 404"),
    ("assessment-unit",   "unit:sfj",          "login 200 404 200 404 200 200"),
    ("assessment-unit",   "unit:scj",          "login 200 404 404 200 404 200"),
    ("assessment-unit",   "unit:suining",      "login 404 200 404 404 404 200"),
    ("assessment-unit",   "unit:jingchuan",    "login 404 404 404 404 404 404"),
    ("assessment-config", "plan:pingchang",    "login 200 404 403 403 403 403"),
    ("assessment-config", "plan:suining",      "login 404 200 404 404 404 403"),
    ("assessment-config", "plan:jingchuan",    "login 404 404 404 404 404 404"),
    # printable forms: whoever may open the order or the unit's score page may print it (Word and PDF)
    ("order-docx",        "order:sfj",         "login 200 404 200 404 200 200"),
    ("order-docx",        "order:suining",     "login 404 200 404 404 404 200"),
    ("order-docx",        "order:jingchuan",   "login 404 404 404 404 404 404"),
    ("order-pdf",         "order:sfj",         "login 200 404 200 404 200 200"),
    ("order-pdf",         "order:suining",     "login 404 200 404 404 404 200"),
    ("order-pdf",         "order:jingchuan",   "login 404 404 404 404 404 404"),
    ("scorecard-docx",    "unit:sfj",          "login 200 404 200 404 200 200"),
    ("scorecard-docx",    "unit:scj",          "login 200 404 404 200 404 200"),
    ("scorecard-docx",    "unit:suining",      "login 404 200 404 404 404 200"),
    ("scorecard-docx",    "unit:jingchuan",    "login 404 404 404 404 404 404"),
    ("scorecard-pdf",     "unit:sfj",          "login 200 404 200 404 200 200"),
    ("scorecard-pdf",     "unit:scj",          "login 200 404 404 200 404 200"),
    ("scorecard-pdf",     "unit:suining",      "login 404 200 404 404 404 200"),
    ("scorecard-pdf",     "unit:jingchuan",    "login 404 404 404 404 404 404"),
    # bulk Excel reports: whoever sees the cycle exports what they may see; the calendar link is the unit's own
    ("cycle-bulk",        "cycle:pingchang",   "login 200 404 200 200 200 200"),
    ("cycle-bulk",        "cycle:suining",     "login 404 200 404 404 404 200"),
    ("cycle-bulk",        "cycle:jingchuan",   "login 404 404 404 404 404 404"),
    ("cycle-export",      "cycle:pingchang",   "login 200 404 200 200 200 200"),
    ("cycle-export",      "cycle:suining",     "login 404 200 404 404 404 200"),
    ("cycle-export",      "cycle:jingchuan",   "login 404 404 404 404 404 404"),
    # the progress ledger: the whole cycle's for the office and the level above; a unit's for its own people too
    ("cycle-ledger",      "cycle:pingchang",   "login 200 404 403 403 403 200"),
    ("cycle-ledger",      "cycle:suining",     "login 404 200 404 404 404 200"),
    ("cycle-ledger",      "cycle:jingchuan",   "login 404 404 404 404 404 404"),
    ("cycle-unit-ledger", "unit:sfj",          "login 200 404 200 404 200 200"),  # of 平昌县's cycle
    ("cycle-unit-ledger", "unit:scj",          "login 200 404 404 200 404 200"),
    ("cycle-unit-ledger", "unit:suining",      "login 404 200 404 404 404 200"),  # of 遂宁市's cycle
    ("cycle-unit-ledger", "unit:jingchuan",    "login 404 404 404 404 404 404"),
    ("unit-calendar",     "unit:sfj",          "login 403 404 200 404 200 403"),
    ("unit-calendar",     "unit:scj",          "login 403 404 404 200 404 403"),
    ("unit-calendar",     "unit:suining",      "login 404 403 404 404 404 403"),
    ("unit-calendar",     "unit:jingchuan",    "login 404 404 404 404 404 404"),
    ("unit-calendar-feed", "unit:sfj",         "404 404 404 404 404 404 404"),  # no token: 404 for everyone
    # plans side by side show every task of both plans: whole-plan readers only (a unit's people: 403 or 404)
    ("align",             "pair:pingchang-suining", "login 404 404 404 404 404 200"),
    ("align",             "pair:ganzi-suining", "login 404 404 404 404 404 200"),
    ("align",             "pair:pingchang-jingchuan", "login 404 404 404 404 404 404"),
    ("align",             "pair:jingchuan-guizhou", "login 404 404 404 404 404 404"),
    ("align",             "pair:pingchang-pingchang", "login 404 404 404 404 404 404"),  # a plan is not compared with itself
    ("align-pick",        "plan:pingchang",    "login 404 404 403 403 403 302"),  # the other plan: 遂宁市's
    ("align-pick",        "plan:suining",      "login 404 404 404 404 404 302"),  # the other plan: 甘孜州's
    ("align-pick",        "plan:jingchuan",    "login 404 404 404 404 404 404"),
    ("task-peers",        "task:sfj",          "login 200 404 403 404 403 200"),
    ("task-peers",        "task:neither",      "login 200 404 404 404 404 200"),
    ("task-peers",        "task:suining",      "login 404 200 404 404 404 200"),
    ("task-peers",        "task:jingchuan",    "login 404 404 404 404 404 404"),
    # annual reports: the jurisdiction's is the office's and the levels above; a unit's also its own people's
    ("annual-list",       "plan:pingchang",    "login 200 404 200 200 200 200"),
    ("annual-list",       "plan:suining",      "login 404 200 404 404 404 200"),
    ("annual-list",       "plan:jingchuan",    "login 404 404 404 404 404 404"),
    ("annual",            "annual:pingchang",  "login 200 404 404 404 404 200"),
    ("annual",            "annual:sfj",        "login 200 404 200 404 200 200"),
    ("annual",            "annual:suining",    "login 404 200 404 404 404 200"),
    ("annual",            "annual:jingchuan",  "login 404 404 404 404 404 404"),
    ("annual-docx",       "annual:pingchang",  "login 200 404 404 404 404 200"),
    ("annual-docx",       "annual:sfj",        "login 200 404 200 404 200 200"),
    ("annual-docx",       "annual:jingchuan",  "login 404 404 404 404 404 404"),
    # background jobs: the person who started one and the office of its jurisdiction (a ledger job of upper's is
    # on 平昌县's cycle); an import job has no file to download
    ("job",               "job:import-office", "login 200 404 404 404 404 404"),
    ("job",               "job:ledger-upper",  "login 200 404 404 404 404 200"),
    ("job",               "job:jingchuan",     "login 404 404 404 404 404 404"),
    ("job-status",        "job:import-office", "login 200 404 404 404 404 404"),
    ("job-status",        "job:ledger-upper",  "login 200 404 404 404 404 200"),
    ("job-status",        "job:jingchuan",     "login 404 404 404 404 404 404"),
    ("job-download",      "job:ledger-upper",  "login 200 404 404 404 404 200"),
    ("job-download",      "job:import-office", "login 404 404 404 404 404 404"),
    ("job-download",      "job:jingchuan",     "login 404 404 404 404 404 404"),
]

# Forms, each POSTed with a valid form: only the office of the object's own jurisdiction changes the registry,
# plans and drafts; in tracking, the unit's reporter writes, its leader approves, the office accepts or returns
# consolidated reports, sets cycles, opens orders and decides extensions, and the lead unit returns contributions.
#      view               target               anonymous office office2 reporter reporter2 leader upper
POSTS = [
    ("unit-add",          "place:pingchang",   "login done 404 403 403 403 403"),
    ("unit-add",          "place:suining",     "login 404 done 404 404 404 403"),
    ("unit-add",          "place:jingchuan",   "login 404 404 404 404 404 404"),
    ("unit-import",       "place:pingchang",   "login done 404 403 403 403 403"),
    ("unit-import",       "place:suining",     "login 404 done 404 404 404 403"),
    ("unit-import",       "place:jingchuan",   "login 404 404 404 404 404 404"),
    ("alias-add",         "unit:sfj",          "login done 404 403 404 403 403"),
    ("alias-add",         "unit:scj",          "login done 404 404 403 404 403"),
    ("alias-add",         "unit:suining",      "login 404 done 404 404 404 403"),
    ("alias-add",         "unit:jingchuan",    "login 404 404 404 404 404 404"),
    ("upload",            "place:pingchang",   "login done 404 403 403 403 403"),
    ("upload",            "place:suining",     "login 404 done 404 404 404 403"),
    ("upload",            "place:jingchuan",   "login 404 404 404 404 404 404"),
    ("people",            "place:pingchang",   "login done 404 403 403 403 403"),
    ("people",            "place:suining",     "login 404 done 404 404 404 403"),
    ("people",            "place:jingchuan",   "login 404 404 404 404 404 404"),
    ("draft-task",        "draft:pingchang",   "login done 404 404 404 404 404"),
    ("draft-task",        "draft:jingchuan",   "login 404 404 404 404 404 404"),
    ("draft-split",       "draft:pingchang",   "login done 404 404 404 404 404"),
    ("draft-split",       "draft:jingchuan",   "login 404 404 404 404 404 404"),
    ("draft-merge",       "draft:pingchang",   "login done 404 404 404 404 404"),
    ("draft-merge",       "draft:jingchuan",   "login 404 404 404 404 404 404"),
    ("draft-heading",     "draft:pingchang",   "login done 404 404 404 404 404"),
    ("draft-heading",     "draft:jingchuan",   "login 404 404 404 404 404 404"),
    ("draft-resolve",     "draft:pingchang",   "login done 404 404 404 404 404"),
    ("draft-resolve",     "draft:jingchuan",   "login 404 404 404 404 404 404"),
    ("draft-publish",     "draft:pingchang",   "login done 404 404 404 404 404"),
    ("draft-publish",     "draft:jingchuan",   "login 404 404 404 404 404 404"),
    ("draft-discard",     "draft:pingchang",   "login done 404 404 404 404 404"),
    ("draft-discard",     "draft:jingchuan",   "login 404 404 404 404 404 404"),
    ("logout",            None,                "go:login go:login go:login go:login go:login go:login go:login"),
    ("cycles",            "plan:pingchang",    "login done 404 403 403 403 403"),
    ("cycles",            "plan:suining",      "login 404 done 404 404 404 403"),
    ("cycles",            "plan:jingchuan",    "login 404 404 404 404 404 404"),
    ("report-open",       "task:sfj",          "login 403 404 done 404 403 403"),
    ("report-open",       "task:scj",          "login 403 404 404 done 404 403"),
    ("report-open",       "task:neither",      "login 403 404 404 404 404 403"),
    ("report-open",       "task:suining",      "login 404 403 404 404 404 403"),
    ("report-open",       "task:jingchuan",    "login 404 404 404 404 404 404"),
    ("report",            "report:sfj-draft",  "login 404 404 done 404 403 404"),
    ("report",            "report:sfj-submitted", "login 403 404 403 404 403 403"),
    ("report",            "report:scj-contribution-draft", "login 404 404 404 done 404 404"),
    ("report",            "report:scj-contribution-approved", "login 403 404 403 403 403 403"),
    ("report-submit",     "report:sfj-draft",  "login 404 404 done 404 403 404"),
    ("report-submit",     "report:sfj-submitted", "login 403 404 403 404 403 403"),
    ("report-submit",     "report:scj-contribution-draft", "login 404 404 404 done 404 404"),
    ("report-approve",    "report:sfj-submitted", "login 403 404 403 404 done 403"),
    ("report-approve",    "report:sfj-draft",  "login 404 404 403 404 403 404"),
    ("report-approve",    "report:suining-submitted", "login 404 403 404 404 404 403"),
    ("report-accept",     "report:sfj-approved", "login done 404 403 404 403 403"),
    ("report-accept",     "report:sfj-submitted", "login 403 404 403 404 403 403"),
    ("report-accept",     "report:scj-contribution-approved", "login 403 404 403 403 403 403"),
    ("report-return",     "report:sfj-approved", "login done 404 403 404 403 403"),
    ("report-return",     "report:sfj-submitted", "login 403 404 403 404 403 403"),
    ("report-return",     "report:scj-contribution-approved", "login 403 404 done 403 done 403"),
    ("evidence-add",      "report:sfj-draft",  "login 404 404 done 404 403 404"),
    ("evidence-add",      "report:sfj-submitted", "login 403 404 403 404 403 403"),
    ("evidence-add",      "report:jingchuan-submitted", "login 404 404 404 404 404 404"),
    ("notifications",     None,                "login done done done done done done"),
    ("extension-request", "task:sfj",          "login 403 404 done 404 done 403"),
    ("extension-request", "task:scj",          "login 403 404 404 done 404 403"),
    ("extension-request", "task:suining",      "login 404 403 404 404 404 403"),
    ("extension-decide",  "extension:sfj",     "login done 404 403 404 403 403"),
    ("extension-decide",  "extension:suining", "login 404 done 404 404 404 403"),
    ("extension-decide",  "extension:jingchuan", "login 404 404 404 404 404 404"),
    ("orders-open",       "plan:pingchang",    "login done 404 403 403 403 403"),
    ("orders-open",       "plan:suining",      "login 404 done 404 404 404 403"),
    ("orders-open",       "plan:jingchuan",    "login 404 404 404 404 404 404"),
    ("order",             "order:sfj",         "login 403 404 done 404 done 403"),
    ("order",             "order:sfj-replied", "login done 404 403 404 403 403"),
    ("order",             "order:sfj-overdue", "login done 404 403 404 403 403"),
    ("order",             "order:suining",     "login 404 403 404 404 404 403"),
    ("order",             "order:jingchuan",   "login 404 404 404 404 404 404"),
    ("task-follow",       "task:sfj",          "login done 404 done 404 done done"),
    ("task-follow",       "task:neither",      "login done 404 404 404 404 done"),
    ("task-follow",       "task:suining",      "login 404 done 404 404 404 done"),
    ("task-follow",       "task:jingchuan",    "login 404 404 404 404 404 404"),
    ("assessment-na",     "unit:sfj",          "login done 404 403 404 403 403"),
    ("assessment-na",     "unit:scj",          "login done 404 404 403 404 403"),
    ("assessment-na",     "unit:suining",      "login 404 done 404 404 404 403"),
    ("assessment-na",     "unit:jingchuan",    "login 404 404 404 404 404 404"),
    ("assessment-adjust", "unit:sfj",          "login done 404 403 404 403 403"),
    ("assessment-adjust", "unit:scj",          "login done 404 404 403 404 403"),
    ("assessment-adjust", "unit:suining",      "login 404 done 404 404 404 403"),
    ("assessment-adjust", "unit:jingchuan",    "login 404 404 404 404 404 404"),
    ("assessment-config", "plan:pingchang",    "login done 404 403 403 403 403"),
    ("assessment-config", "plan:suining",      "login 404 done 404 404 404 403"),
    ("assessment-config", "plan:jingchuan",    "login 404 404 404 404 404 404"),
    ("annual-new",        "plan:pingchang",    "login done 404 403 403 403 403"),  # the jurisdiction's report
    ("annual-new",        "plan:suining",      "login 404 done 404 404 404 403"),
    ("annual-new",        "plan:jingchuan",    "login 404 404 404 404 404 404"),
    ("annual",            "annual:pingchang",  "login done 404 404 404 404 403"),
    ("annual",            "annual:sfj",        "login done 404 done 404 done 403"),
    ("annual",            "annual:suining",    "login 404 done 404 404 404 403"),
    ("annual-act",        "annual:pingchang",  "login done 404 404 404 404 403"),  # assembled afresh
    ("annual-act",        "annual:sfj",        "login done 404 done 404 done 403"),
    ("annual-act",        "annual:jingchuan",  "login 404 404 404 404 404 404"),
    ("cycle-import",      "cycle:pingchang",   "login 403 404 done 400 403 403"),  # reporter2: not its unit's rows
    ("cycle-import",      "cycle:suining",     "login 404 403 404 404 404 403"),
    ("cycle-import",      "cycle:jingchuan",   "login 404 404 404 404 404 404"),
    ("unit-calendar-reset", "unit:sfj",        "login 403 404 done 404 done 403"),
    ("unit-calendar-reset", "unit:scj",        "login 403 404 404 done 404 403"),
    ("unit-calendar-reset", "unit:jingchuan",  "login 404 404 404 404 404 404"),
    ("plan-parent",       "plan:pingchang",    "login done 404 403 403 403 403"),  # the parent: a second 平昌县 plan
    ("plan-parent",       "plan:suining",      "login 404 302 404 404 404 403"),  # office2: 平昌县's plan is not one it may name
    ("plan-parent",       "plan:jingchuan",    "login 404 404 404 404 404 404"),
    # background jobs: whoever may download the whole ledger, or open the peers page, may start its job
    ("cycle-ledger-job",  "cycle:pingchang",   "login done 404 403 403 403 done"),
    ("cycle-ledger-job",  "cycle:suining",     "login 404 done 404 404 404 done"),
    ("cycle-ledger-job",  "cycle:jingchuan",   "login 404 404 404 404 404 404"),
    ("task-peers-job",    "task:sfj",          "login done 404 403 404 403 done"),
    ("task-peers-job",    "task:neither",      "login done 404 404 404 404 done"),
    ("task-peers-job",    "task:suining",      "login 404 done 404 404 404 done"),
    ("task-peers-job",    "task:jingchuan",    "login 404 404 404 404 404 404"),
]

# The API, with each account's token ("anonymous" sends none): 401 without a token, then as the pages.
#      method  route                 target               anonymous office office2 reporter reporter2 leader upper
API = [
    ("GET",  "list_jurisdictions", None,                "401 200 200 200 200 200 200"),
    ("GET",  "get_jurisdiction",   "place:pingchang",   "401 200 404 200 200 200 200"),
    ("GET",  "get_jurisdiction",   "place:suining",     "401 404 200 404 404 404 200"),
    ("GET",  "get_jurisdiction",   "place:jingchuan",   "401 404 404 404 404 404 404"),
    ("GET",  "get_jurisdiction",   "place:guizhou",     "401 404 404 404 404 404 404"),
    ("GET",  "list_units",         "place:pingchang",   "401 200 404 200 200 200 200"),
    ("GET",  "list_units",         "place:suining",     "401 404 200 404 404 404 200"),
    ("GET",  "list_units",         "place:jingchuan",   "401 404 404 404 404 404 404"),
    ("POST", "create_unit",        "place:pingchang",   "401 201 404 403 403 403 403"),
    ("POST", "create_unit",        "place:suining",     "401 404 201 404 404 404 403"),
    ("POST", "create_unit",        "place:jingchuan",   "401 404 404 404 404 404 404"),
    ("GET",  "get_unit",           "unit:sfj",          "401 200 404 200 404 200 200"),
    ("GET",  "get_unit",           "unit:scj",          "401 200 404 404 200 404 200"),
    ("GET",  "get_unit",           "unit:suining",      "401 404 200 404 404 404 200"),
    ("GET",  "get_unit",           "unit:jingchuan",    "401 404 404 404 404 404 404"),
    ("GET",  "list_plans",         None,                "401 200 200 200 200 200 200"),
    ("GET",  "get_plan",           "plan:pingchang",    "401 200 404 200 200 200 200"),
    ("GET",  "get_plan",           "plan:suining",      "401 404 200 404 404 404 200"),
    ("GET",  "get_plan",           "plan:jingchuan",    "401 404 404 404 404 404 404"),
    ("GET",  "get_plan",           "plan:guizhou",      "401 404 404 404 404 404 404"),
    ("GET",  "list_tasks",         None,                "401 200 200 200 200 200 200"),
    ("GET",  "get_task",           "task:sfj",          "401 200 404 200 404 200 200"),
    ("GET",  "get_task",           "task:scj",          "401 200 404 404 200 404 200"),
    ("GET",  "get_task",           "task:neither",      "401 200 404 404 404 404 200"),
    ("GET",  "get_task",           "task:suining",      "401 404 200 404 404 404 200"),
    ("GET",  "get_task",           "task:jingchuan",    "401 404 404 404 404 404 404"),
    ("GET",  "openapi-json",       None,                "200 200 200 200 200 200 200"),
    ("GET",  "openapi-view",       None,                "200 200 200 200 200 200 200"),
    ("GET",  "api-root",           None,                "404 404 404 404 404 404 404"),
]

# Django's own admin: staff only, and no demo account is staff (see test_no_demo_account_enters_the_admin).
NOT_IN_THE_TABLES = {"admin"}


def _cases(table: list[tuple[Any, ...]]) -> list[Any]:
    return list(_each_case(table))


def _each_case(table: list[tuple[Any, ...]]) -> Iterator[Any]:
    """One case per row and account, with an ASCII id such as "task-sfj-reporter2" or "GET-get_plan-suining-upper"."""
    for *row, outcomes in table:
        expected = outcomes.split()
        assert len(expected) == len(USERS), f"{row}: one outcome per account"
        target = row[-1]
        words = [*row[:-1], target.split(":")[1]] if target else row[:-1]
        for user, outcome in zip(USERS, expected, strict=True):
            yield pytest.param(*row, user, outcome, id="-".join([*words, user]))


# ------------------------------------------------------------------------------------------ the objects


class Targets:
    """The objects the rows point at, found in the demo world (drafts: made) only when a row needs them."""

    PLACES: ClassVar[dict[str, str]] = {"pingchang": "平昌县", "sichuan": "四川省", "suining": "遂宁市",
                                        "ganzi": "甘孜藏族自治州", "jingchuan": "泾川县", "guizhou": "贵州省"}

    # How far each report is carried, in the quarter of its cycle: a report's key ends with one of these.
    REPORT_STEPS: ClassVar[tuple[str, ...]] = ("draft", "submitted", "approved")
    # Who writes and who approves: 县市场监督管理局 has no demo leader, so its reports are approved by nobody named.
    REPORT_PEOPLE: ClassVar[dict[str, tuple[str | None, str | None]]] = {
        "sfj": ("reporter", "leader"), "scj-contribution": ("reporter2", None)}

    def __init__(self) -> None:
        self._drafts: dict[str, ImportDraft] = {}
        self._made: dict[str, Model] = {}

    def get(self, target: str) -> Model:
        """The target's object, made once (a report carried through its steps cannot be made twice)."""
        if target not in self._made:
            kind, key = target.split(":")
            finder: Callable[[str], Model] = getattr(self, kind)
            self._made[target] = finder(key)
        return self._made[target]

    def place(self, key: str) -> Jurisdiction:
        return Jurisdiction.objects.get(name=self.PLACES[key])

    def plan(self, key: str) -> Plan:
        return Plan.objects.get(jurisdiction__name=self.PLACES[key])

    def pair(self, key: str) -> Plan:
        """"child-parent" for the alignment page: the child plan (``url`` adds the parent)."""
        return self.plan(key.split("-")[0])

    def second_plan(self) -> Plan:
        """A second published plan of 平昌县 (PLAN_TEXT), made by its office: one the office may name as parent."""
        if "second-plan" not in self._made:
            draft = self.draft("pingchang")
            self._made["second-plan"] = actions.publish_draft(draft=draft, version=draft.version,
                                                              user=User.objects.get(username="office"))
        return self._made["second-plan"]  # type: ignore[return-value]

    def unit(self, key: str) -> Unit:
        where = {"sfj": ("平昌县", "县司法局"), "scj": ("平昌县", "县市场监督管理局"),
                 "suining": ("遂宁市", None), "jingchuan": ("泾川县", "县司法局")}[key]
        units = Unit.objects.filter(jurisdiction__name=where[0]).order_by("name")
        return units.get(name=where[1]) if where[1] else units.first()  # type: ignore[return-value]

    def task(self, key: str) -> Task:
        """sfj: a task of 县司法局 and not of 县市场监督管理局; scj: the other way round; neither: of neither."""
        live = Task.objects.filter(status=TaskStatus.ACTIVE).order_by("order")
        if key not in ("sfj", "scj", "neither"):
            return live.filter(plan__jurisdiction__name=self.PLACES[key]).first()  # type: ignore[return-value]
        sfj, scj = self.unit("sfj"), self.unit("scj")
        county = live.filter(plan__jurisdiction__name="平昌县")
        found = {"sfj": county.filter(assignments__unit=sfj).exclude(assignments__unit=scj),
                 "scj": county.filter(assignments__unit=scj).exclude(assignments__unit=sfj),
                 "neither": county.exclude(assignments__unit__in=[sfj, scj])}[key].first()
        assert found is not None, f"the demo plan of 平昌县 has no task for case {key}"
        return found

    def draft(self, key: str) -> ImportDraft:
        """A draft under review: 平昌县's uploaded by its office, 泾川县's by an office with no demo account."""
        if key not in self._drafts:
            office = User.objects.get(username="office") if key == "pingchang" else None
            self._drafts[key] = actions.import_document(jurisdiction=self.place(key), filename="x.txt",
                                                        data=PLAN_TEXT.encode(), user=office)
        return self._drafts[key]

    def job(self, key: str) -> Job:
        """"import-office": 平昌县's office read PLAN_TEXT; "ledger-upper": upper built 平昌县's whole ledger of the
        first quarter; "jingchuan": an import for 泾川县 by someone with no demo account (refused: not its office)."""
        if key == "import-office":
            return actions.start_import(jurisdiction=self.place("pingchang"), filename="x.txt", data=PLAN_TEXT.encode(),
                                        user=User.objects.get(username="office"))
        if key == "ledger-upper":
            cycle = self.get("cycle:pingchang")
            return enqueue_job(kind=JobKind.LEDGER, owner=User.objects.get(username="upper"),
                               jurisdiction=self.place("pingchang"), title="台账（测试）",
                               arguments={"cycle": cycle.pk, "as_of": "2025-03-31"})
        stranger = User.objects.create_user("jingchuan-stranger")
        return actions.start_import(jurisdiction=self.place("jingchuan"), filename="x.txt", data=PLAN_TEXT.encode(),
                                    user=stranger)

    def annual(self, key: str) -> AnnualReport:
        """A draft annual report of 2025: a place's (its government's) or sfj's (县司法局 of 平昌县)."""
        plan = self.plan("pingchang" if key == "sfj" else key)
        unit = self.unit("sfj") if key == "sfj" else None
        return assemble_annual_report(plan=plan, year=2025, unit=unit, user=None, as_of=date(2025, 12, 31))

    def published(self, key: str) -> AnnualReport:
        """An annual report the office has completed and published."""
        report = self.annual(key)
        AnnualReport.objects.filter(pk=report.pk).update(
            intro="2025年法治政府建设情况如下。", measures="全年完成各项任务。", shortcomings="执法队伍力量不足。", leadership="主要负责人带头学法。",
            next_year="继续推进各项任务。", version=report.version + 1)
        return publish_annual_report(report=report, version=report.version + 1, user=None)

    def shared_task(self) -> Task:
        """平昌县's task 县司法局 leads and 县市场监督管理局 joins: the one both units report on."""
        found = Task.objects.filter(plan=self.plan("pingchang"), status=TaskStatus.ACTIVE,
                                    assignments__unit=self.unit("sfj"), assignments__role="lead") \
            .filter(assignments__unit=self.unit("scj"), assignments__role="participating").order_by("order").first()
        assert found is not None, "the demo plan of 平昌县 has no task 县司法局 leads and 县市场监督管理局 joins"
        return found

    def _task_and_unit(self, key: str) -> tuple[Task, Unit]:
        """sfj, scj: the shared task and that unit; a place: its plan's first task and first unit on it."""
        if key in ("sfj", "scj"):
            return self.shared_task(), self.unit(key)
        task = self.task(key)
        return task, task.assignments.order_by("pk").first().unit  # type: ignore[union-attr]

    def _user(self, username: str | None) -> User | None:
        return User.objects.get(username=username) if username else None

    def _quarters(self, place: str) -> list[Cycle]:
        return tracking.open_cycles(plan=self.plan(place), frequency="quarterly", year=2025, due_days=5, user=None)

    def cycle(self, key: str) -> Cycle:
        """The first quarter of 2025 of the place's plan."""
        return self._quarters(key)[0]

    def report(self, key: str) -> Report:
        """"sfj-draft" … "sfj-approved": 县司法局's consolidated report on the shared task, saved (and submitted,
        approved) by its reporter and leader; "scj-contribution-…": 县市场监督管理局's contribution to it; a place's
        ("suining-submitted"): a unit's report on the first task there. Each step has its own quarter."""
        who, step = key.rsplit("-", 1)
        quarter = self.REPORT_STEPS.index(step)
        task, unit = self._task_and_unit(who.split("-")[0])
        reporter, leader = (self._user(name) for name in self.REPORT_PEOPLE.get(who, (None, None)))
        place = who if who in self.PLACES else "pingchang"
        report = tracking.report_for(task=task, unit=unit, cycle=self._quarters(place)[quarter])
        report = tracking.save_report(report=report, version=report.version, user=reporter, progress="in-progress",
                                      done=f"本季度开展专项检查（{key}）", problems="", next_steps="", values={})
        # its evidence file (the target "evidence:<key>"), attached while it is a draft: a sent report takes no more
        tracking.add_evidence(report=report, filename=f"佐证材料（{key}）.pdf", data=a_pdf(), user=reporter)
        if quarter >= 1:
            tracking.submit_report(report=report, user=reporter)
        if quarter >= 2:
            tracking.approve_report(report=report, user=leader)
        report.refresh_from_db()
        return report

    def evidence(self, key: str) -> Evidence:
        """The file on the report of the same key, uploaded by the unit's reporter before it was sent."""
        report = self.get(f"report:{key}")
        assert isinstance(report, Report)
        return report.evidence.get()

    def extension(self, key: str) -> Extension:
        """A pending request: 县司法局's on its own task (task:sfj) by its reporter; a place's by nobody named."""
        task, unit = (self.task("sfj"), self.unit("sfj")) if key == "sfj" else self._task_and_unit(key)
        return tracking.request_extension(task=task, unit=unit, requested_due=timezone.localdate() + timedelta(days=90),
                                          reason=f"需等待上级文件（{key}）", original_due=None,
                                          user=self._user("reporter" if key == "sfj" else None))

    def order(self, key: str) -> SupervisionOrder:
        """An open order to 县司法局 on its task (task:sfj) from the office; "sfj-replied": replied by the reporter;
        "sfj-overdue": opened a month ago and not replied by its day; a place's: opened by nobody named."""
        who = key.split("-")[0]
        task, unit = (self.task("sfj"), self.unit("sfj")) if who == "sfj" else self._task_and_unit(who)
        today = timezone.localdate()
        opened = today - timedelta(days=30) if key.endswith("overdue") else today
        (order,) = tracking.open_orders(pairs=[(task, unit)], reason=f"请说明逾期原因（{key}）", as_of=opened,
                                        reply_due=opened + timedelta(days=7),
                                        user=self._user("office" if who == "sfj" else None))
        if key.endswith("replied"):
            order = tracking.reply_order(order=order, reply="已完成", user=self._user("reporter"))
        return order

    def url(self, name: str, target: str | None) -> str:
        if target is None:
            return reverse(name)
        found = self.get(target)
        if name.startswith("api:"):
            argument = {"place": "jurisdiction_id", "unit": "unit_id", "plan": "plan_id", "task": "task_id"}
            return reverse(name, kwargs={argument[target.split(":")[0]]: found.pk})
        kwargs: dict[str, Any] = {"pk": found.pk}
        if name == "align":
            child, parent = target.split(":")[1].split("-")
            return reverse(name, kwargs={"child": self.plan(child).pk, "parent": self.plan(parent).pk})
        if name == "align-pick":
            other = self.plan("ganzi" if target == "plan:suining" else "suining")
            return f"{reverse(name, kwargs=kwargs)}?other={other.pk}"
        if name == "cycle-unit-ledger":  # a unit's ledger for its jurisdiction's cycle
            place = {"sfj": "pingchang", "scj": "pingchang"}.get(target.split(":")[1], target.split(":")[1])
            kwargs = {"pk": self.get(f"cycle:{place}").pk, "unit": found.pk}
        if name in ("assessment-unit", "assessment-na", "assessment-adjust", "scorecard-docx",
                    "scorecard-pdf"):  # a unit's score in its jurisdiction's plan
            kwargs = {"pk": Plan.objects.get(jurisdiction_id=found.jurisdiction_id).pk, "unit": found.pk}  # type: ignore[attr-defined]
        if name in ("draft-task", "draft-split", "draft-merge"):
            kwargs["key"] = "t1"
        elif name == "draft-heading":
            kwargs["key"] = "h1"
        elif name == "public-division":
            kwargs["fmt"] = "xlsx"
        elif name == "annual-act":
            kwargs["action"] = "assemble"
        elif name == "report-open":
            key = target.split(":")[1]
            kwargs["cycle"] = self.get(f"cycle:{key if key in self.PLACES else 'pingchang'}").pk
        return reverse(name, kwargs=kwargs)

    def secret(self, target: str | None) -> str | None:
        """Text that only someone allowed to open the target may see on the page."""
        if target is None or target.startswith(("place:", "unit:")):
            return None  # names of places and units appear in every signed-in page's header
        found = self.get(target)
        if isinstance(found, Task):
            return found.text[:20]
        if isinstance(found, ImportDraft):
            return "深化行政审批制度改革"
        if isinstance(found, Report):
            return found.done
        if isinstance(found, Evidence):
            return found.original_name
        if isinstance(found, Extension | SupervisionOrder):
            return found.reason
        if isinstance(found, Cycle):
            return found.plan.title
        if isinstance(found, AnnualReport):
            return found.title
        if isinstance(found, Job):
            return found.title
        assert isinstance(found, Plan)
        return found.title


@pytest.fixture
def targets(db: None) -> Targets:
    return Targets()


@pytest.fixture
def client_for(login: Callable[[str], Client]) -> Callable[[str], Client]:
    return lambda user: Client() if user == "anonymous" else login(user)


def world_state() -> tuple[Any, ...]:
    """Everything a refused form could have changed."""
    return (User.objects.count(), Membership.objects.count(), Unit.objects.count(), Alias.objects.count(),
            UnitGroup.objects.count(), list(Plan.objects.order_by("pk").values_list("pk", "parent_plan_id")),
            Task.objects.filter(status=TaskStatus.ACTIVE).count(), SourceDocument.objects.count(),
            list(ImportDraft.objects.order_by("pk").values_list("pk", "status", "version")),
            Cycle.objects.count(), list(Report.objects.order_by("pk").values_list("pk", "status", "version", "comment")),
            Evidence.objects.count(), list(Extension.objects.order_by("pk").values_list("pk", "status")),
            list(SupervisionOrder.objects.order_by("pk").values_list("pk", "status")), Follow.objects.count(),
            Notification.objects.filter(read_at__isnull=True).count(), NotApplicable.objects.count(),
            list(AssessmentConfig.objects.order_by("pk").values_list("pk", "kind", "sha256")),
            list(ScoreAdjustment.objects.order_by("pk").values_list("pk", "points", "withdrawn")),
            list(CalendarFeed.objects.order_by("pk").values_list("unit_id", "token")),
            list(AnnualReport.objects.order_by("pk").values_list("pk", "version", "status")), Job.objects.count())


def a_pdf() -> bytes:
    """A one-page PDF that opens: evidence files are checked by their content, not only their name."""
    import pypdfium2

    document, output = pypdfium2.PdfDocument.new(), io.BytesIO()
    document.new_page(100, 100)
    document.save(output)
    return output.getvalue()


def _tracking_form(name: str, found: Model) -> dict[str, Any] | None:
    """A valid tracking form for the target: what the one allowed to send it would send."""
    if name == "cycles":
        return {"frequency": "monthly", "year": 2025, "due_days": 5}
    if name in ("report-open", "report-submit", "report-approve", "report-accept", "report-return"):
        return {"comment": "请补充佐证材料"}
    if name == "report":
        assert isinstance(found, Report)
        return {"version": found.version, "progress": "done", "done": "全面完成", "problems": "", "next_steps": ""}
    if name == "evidence-add":
        return {"file": SimpleUploadedFile("会议纪要.pdf", a_pdf())}
    if name == "extension-request":
        return {"requested_due": (timezone.localdate() + timedelta(days=3650)).isoformat(), "reason": "需等待上级文件"}
    if name == "extension-decide":
        return {"grant": "1", "note": "同意"}
    if name == "orders-open":
        assignment = Assignment.objects.filter(task__plan=found, task__status=TaskStatus.ACTIVE) \
            .order_by("task__order", "pk").first()
        assert assignment is not None
        return {"pair": f"{assignment.task_id}:{assignment.unit_id}", "reason": "请说明逾期原因",
                "reply_due": (timezone.localdate() + timedelta(days=7)).isoformat()}
    if name == "order":
        assert isinstance(found, SupervisionOrder)
        if found.status == "replied":
            return {"action": "close"}
        if found.reply_due < timezone.localdate():
            return {"action": "escalate"}
        return {"action": "reply", "reply": "已于本月完成"}
    if name == "task-follow":
        return {"on": "1"}
    if name == "cycle-import":
        return {"file": SimpleUploadedFile("填报.xlsx", _filled_workbook(found))}
    if name == "unit-calendar-reset":
        return {}
    if name == "annual-new":
        return {"year": 2025, "unit": ""}
    if name == "annual":
        assert isinstance(found, AnnualReport)
        return {"version": found.version, "title": found.title, "intro": found.intro, "measures": "全年完成各项任务。",
                "shortcomings": found.shortcomings, "leadership": found.leadership, "next_year": found.next_year}
    if name == "annual-act":
        return {}
    return None


def _filled_workbook(cycle: Model) -> bytes:
    """县司法局's rows of the cycle as its reporter exports them, the first filled in."""
    assert isinstance(cycle, Cycle)
    rows = bulk.export_rows(User.objects.get(username="reporter"), cycle)
    if rows:
        rows[0] = dataclasses.replace(rows[0], progress="推进中", done="本季度完成清单更新")
    return bulk.workbook_bytes(rows, title="进展填报")


def form_for(name: str, target: str | None, targets: Targets) -> dict[str, Any]:
    """A valid form for each POST view: what the office of the jurisdiction would send."""
    if name == "unit-add":
        return {"name": "县测试新增局", "aliases": "测试新增局"}
    if name == "unit-import":
        return {"file": SimpleUploadedFile("units.csv", "名称,别名\n县测试导入局,测试导入局\n".encode())}
    if name == "alias-add":
        return {"name": "测试别名局"}
    if name == "upload":
        return {"file": SimpleUploadedFile("plan.txt", PLAN_TEXT.encode())}
    if name in ("logout", "cycle-ledger-job", "task-peers-job"):
        return {}
    if name == "assessment-na":
        return {"year": 2025, "code": "4.2", "reason": "本单位执法案卷由上级评查"}
    if name == "assessment-adjust":
        return {"year": 2025, "kind": "bonus", "points": "2", "reason": "获评省级法治政府建设示范项目"}
    if name == "assessment-config":
        return {"year": 2025, "kind": "default"}
    if name == "notifications":  # one unread notification for every account, so reading one's own changes something
        tracking.notify(users=User.objects.filter(username__in=USERS), text="测试通知")
        return {}
    assert target is not None
    if name == "plan-parent":
        return {"parent": targets.second_plan().pk}
    if name == "people":
        unit = Unit.objects.filter(jurisdiction=targets.get(target)).first()
        return {"username": "new.reporter", "full_name": "新填报员", "role": "reporter", "unit": unit.pk if unit else "",
                "password": "Fazhi-test-2025!"}
    tracking_form = _tracking_form(name, targets.get(target))
    if tracking_form is not None:
        return tracking_form
    draft = targets.get(target)
    assert isinstance(draft, ImportDraft)
    version = {"version": draft.version}
    forms = {
        "draft-task": {**version, "title": "", "text": "动态调整权责清单。", "lead": "县司法局", "participating": "",
                       "deadlines": "2025年底前", "targets": ""},
        "draft-split": {**version, "at": 6},
        "draft-merge": version,
        "draft-heading": {**version, "title": "推进政府职能全面履行"},
        "draft-resolve": {**version, "name": "县财政局", "how": "map",
                          "target": ":".join(str(p) for p in draft.content["names"]["县财政局"])},
        "draft-publish": version,
        "draft-discard": {},
    }
    return forms[name]


def assert_outcome(response: Any, outcome: str, path: str) -> None:
    if outcome == "login":
        assert (response.status_code, response["Location"]) == (302, f"{reverse('login')}?next={quote(path, safe='/')}")
    elif outcome.startswith("go:"):
        assert (response.status_code, response["Location"]) == (302, reverse(outcome[3:]))
    elif outcome == "done":
        assert response.status_code == 302
    else:
        assert response.status_code == int(outcome)


def assert_not_shown(response: Any, secret: str | None) -> None:
    if secret and response.status_code != 200 and not response.streaming:
        assert secret not in response.content.decode()


# ------------------------------------------------------------------------------------------ the tests


def _url_names(patterns: list[Any], namespace: str | None = None) -> Iterator[str]:
    """Every URL's name ("api:get_task"); an unnamed one by its route, so that it fails the check too."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace not in NOT_IN_THE_TABLES:
                yield from _url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or str(pattern.pattern)
            yield f"{namespace}:{name}" if namespace else name


def test_every_url_has_a_row() -> None:
    urls = set(_url_names(get_resolver().url_patterns))
    rows = {r[0] for r in PAGES + POSTS} | {f"api:{r[1]}" for r in API}
    assert urls - rows == set(), "add a row to PAGES, POSTS or API for every new URL"
    assert rows - urls == set()


def test_every_api_operation_has_a_row() -> None:
    schema = api.get_openapi_schema()
    operations = {(method.upper(), op["operationId"].rsplit("_api_", 1)[1])
                  for path in schema["paths"].values() for method, op in path.items()}
    assert operations - {(r[0], r[1]) for r in API} == set(), "add a row to API for every new operation"


@pytest.mark.parametrize(("name", "target", "user", "outcome"), _cases(PAGES))
def test_who_may_open_each_page(name: str, target: str | None, user: str, outcome: str,
                                targets: Targets, client_for: Callable[[str], Client]) -> None:
    url = targets.url(name, target)
    response = client_for(user).get(url)
    assert_outcome(response, outcome, url)
    assert_not_shown(response, targets.secret(target))
    response.close()


@pytest.mark.parametrize(("name", "target", "user", "outcome"), _cases(POSTS))
def test_who_may_send_each_form(name: str, target: str | None, user: str, outcome: str,
                                targets: Targets, client_for: Callable[[str], Client]) -> None:
    url = targets.url(name, target)
    data = form_for(name, target, targets)
    before = world_state()
    response = client_for(user).post(url, data)
    assert_outcome(response, outcome, url)
    if outcome == "done":
        assert world_state() != before, "the office's own form should have changed something"
    else:
        assert world_state() == before
        assert_not_shown(response, targets.secret(target))


@pytest.mark.parametrize(("method", "name", "target", "user", "outcome"), _cases(API))
def test_who_may_call_each_api_route(method: str, name: str, target: str | None, user: str, outcome: str,
                                     targets: Targets) -> None:
    url = targets.url(f"api:{name}", target)
    headers = {}
    if user != "anonymous":
        _, key = ApiToken.issue(user=User.objects.get(username=user), name="permissions test")
        headers["Authorization"] = f"Bearer {key}"
    before = world_state()
    if method == "POST":
        response = Client().post(url, json.dumps({"name": "县测试新增局"}), content_type="application/json",
                                 headers=headers)
    else:
        response = Client().get(url, headers=headers)
    assert response.status_code == int(outcome)
    assert (world_state() != before) == (outcome == "201")
    assert_not_shown(response, targets.secret(target))


# -------------------------------------------------------------------- refusals the tables cannot show


POST_ONLY = sorted({r[0] for r in POSTS} - {r[0] for r in PAGES})


@pytest.mark.parametrize("name", POST_ONLY)
def test_a_form_view_refuses_get_for_the_office_too(name: str, targets: Targets,
                                                    login: Callable[[str], Client]) -> None:
    url = targets.url(name, next(r[1] for r in POSTS if r[0] == name))
    before = world_state()
    assert login("office").get(url).status_code == 405
    assert world_state() == before


@pytest.mark.parametrize("name", ["draft-task", "draft-split", "draft-heading", "draft-resolve"])
@pytest.mark.parametrize("user", ["reporter", "upper"])
def test_someone_elses_draft_answers_404_even_to_an_invalid_form(name: str, user: str, targets: Targets,
                                                                 login: Callable[[str], Client]) -> None:
    url = targets.url(name, "draft:pingchang")
    before = world_state()
    assert login(user).post(url, {}).status_code == 404
    assert world_state() == before


@pytest.mark.parametrize("name", sorted({r[0] for r in POSTS}))
def test_every_form_refuses_a_post_without_a_csrf_token(name: str, targets: Targets) -> None:
    target = next((r[1] for r in POSTS if r[0] == name and "done" in r[2]), None)
    url, form = targets.url(name, target), form_for(name, target, targets)
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="office"))
    before = world_state()
    response = client.post(url, form)
    assert response.status_code == 403
    assert world_state() == before


def test_the_same_form_with_its_csrf_token_goes_through(pingchang: Jurisdiction) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="office"))
    client.get(reverse("units", kwargs={"pk": pingchang.pk}))
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("unit-add", kwargs={"pk": pingchang.pk}),
                           {"name": "县测试新增局", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Unit.objects.filter(jurisdiction=pingchang, name="县测试新增局").exists()


@pytest.mark.parametrize("user", USERS[1:])
def test_no_demo_account_enters_the_admin(user: str, login: Callable[[str], Client]) -> None:
    response = login(user).get(reverse("admin:index"))
    assert (response.status_code, response["Location"]) == (302, f"{reverse('admin:login')}?next=/admin/")


# -------------------------------------------------------------- what a list shows, not only whether it opens


def _own_units(user: str) -> set[int]:
    return set(User.objects.get(username=user).memberships.values_list("unit_id", flat=True))


@pytest.mark.parametrize("user", ["reporter", "reporter2", "leader"])
def test_a_unit_member_sees_only_their_units_tasks_on_the_plan_page(user: str, pingchang_plan: Plan,
                                                                    login: Callable[[str], Client]) -> None:
    response = login(user).get(reverse("plan", kwargs={"pk": pingchang_plan.pk}))
    shown = {t.pk for _, tasks in response.context["tree"] for t in tasks} | {t.pk for t in response.context["loose"]}
    theirs = set(pingchang_plan.tasks.filter(assignments__unit_id__in=_own_units(user)).values_list("pk", flat=True))
    assert shown == theirs
    others = pingchang_plan.tasks.exclude(pk__in=theirs)
    assert others.exists()
    page = response.content.decode()
    assert not [t.path for t in others if reverse("task", kwargs={"pk": t.pk}) in page]


@pytest.mark.parametrize("user", ["reporter", "reporter2", "leader"])
def test_a_unit_member_finds_only_their_units_tasks_in_search(user: str, login: Callable[[str], Client]) -> None:
    response = login(user).get(reverse("search"), {"q": "法治"})
    found = [t for t, _ in response.context["results"]]
    assert found
    assert all(t.assignments.filter(unit_id__in=_own_units(user)).exists() for t in found)
    assert response.context["page"].paginator.count == Task.objects.filter(
        status=TaskStatus.ACTIVE, assignments__unit_id__in=_own_units(user), search_text__contains="法治"
    ).distinct().count()


@pytest.mark.parametrize("user", ["reporter", "reporter2", "leader"])
def test_a_unit_member_counts_only_their_units_tasks_in_the_matrix(user: str, pingchang_plan: Plan,
                                                                   login: Callable[[str], Client]) -> None:
    response = login(user).get(reverse("matrix", kwargs={"pk": pingchang_plan.pk}))
    cells = [c for _, _, row in response.context["rows"] for _, c in row if c]
    theirs = pingchang_plan.tasks.filter(assignments__unit_id__in=_own_units(user)).count()
    assert max(sum(c) for c in cells) <= theirs


def test_the_upper_viewer_lists_only_plans_below_them(login: Callable[[str], Client]) -> None:
    response = login("upper").get(reverse("jurisdictions"))
    names = {p.name for p in response.context["places"]}
    assert names == {"四川省", "甘孜藏族自治州", "遂宁市", "巴中市", "平昌县"}
    assert not response.context["managed"]
    assert not list(response.context["drafts"])


def test_the_office_lists_its_own_drafts_and_not_another_jurisdictions(targets: Targets,
                                                                       login: Callable[[str], Client]) -> None:
    own, other = targets.draft("pingchang"), targets.draft("jingchuan")
    drafts = list(login("office").get(reverse("jurisdictions")).context["drafts"])
    assert own in drafts
    assert other not in drafts


def test_the_public_list_shows_only_published_plans(targets: Targets) -> None:
    withdrawn = targets.plan("guizhou")
    Plan.objects.filter(pk=withdrawn.pk).update(status="withdrawn")
    response = Client().get(reverse("public-plans"))
    listed = {p.pk for p in response.context["plans"]}
    assert withdrawn.pk not in listed
    assert listed == set(Plan.objects.filter(status="published").values_list("pk", flat=True))
    assert Client().get(reverse("public-plan", kwargs={"pk": withdrawn.pk})).status_code == 404
    for fmt in ("xlsx", "docx"):
        assert Client().get(reverse("public-division", kwargs={"pk": withdrawn.pk, "fmt": fmt})).status_code == 404


def test_reading_notifications_marks_only_ones_own_and_shows_no_one_elses(login: Callable[[str], Client]) -> None:
    reporter, reporter2 = User.objects.get(username="reporter"), User.objects.get(username="reporter2")
    tracking.notify(users=[reporter], text="县司法局的通知")
    tracking.notify(users=[reporter2], text="县市场监督管理局的通知")
    assert "县司法局的通知" not in login("reporter2").get(reverse("notifications")).content.decode()
    login("reporter2").post(reverse("notifications"))
    assert Notification.objects.get(user=reporter2).read_at is not None
    assert Notification.objects.get(user=reporter).read_at is None


def test_a_tasks_history_shows_only_the_reports_the_reader_may_open(targets: Targets,
                                                                   login: Callable[[str], Client]) -> None:
    draft = targets.get("report:sfj-draft")
    assert isinstance(draft, Report)
    url = reverse("task-history", kwargs={"pk": draft.task_id})
    assert draft.done in login("reporter").get(url).content.decode()
    for user in ("reporter2", "office"):  # both may open the task, not 县司法局's draft
        assert draft.done not in login(user).get(url).content.decode()


def test_a_follower_is_not_told_about_a_report_they_may_not_open(targets: Targets,
                                                                 login: Callable[[str], Client]) -> None:
    task = targets.shared_task()
    login("reporter2").post(reverse("task-follow", kwargs={"pk": task.pk}), {"on": "1"})
    submitted = targets.get("report:sfj-submitted")  # 县司法局's own report: 404 to 县市场监督管理局
    assert login("reporter2").get(reverse("report", kwargs={"pk": submitted.pk})).status_code == 404
    assert not Notification.objects.filter(user__username="reporter2", link__contains=f"/{submitted.pk}/").exists()
