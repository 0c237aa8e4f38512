"""Tracking pages. Each area keeps its routes in its own view module."""

from django.urls import path

from .views import bulk, calendar, reports, work

urlpatterns = [
    path("plans/<int:pk>/cycles/", reports.cycles, name="cycles"),
    path("cycles/<int:pk>/", reports.cycle_detail, name="cycle"),
    path("tasks/<int:pk>/report/<int:cycle>/", reports.open_report, name="report-open"),
    path("reports/<int:pk>/", reports.report_detail, name="report"),
    path("reports/<int:pk>/submit/", reports.submit, name="report-submit"),
    path("reports/<int:pk>/approve/", reports.approve, name="report-approve"),
    path("reports/<int:pk>/accept/", reports.accept, name="report-accept"),
    path("reports/<int:pk>/return/", reports.send_back, name="report-return"),
    path("reports/<int:pk>/evidence/", reports.upload_evidence, name="evidence-add"),
    path("evidence/<int:pk>/", reports.download_evidence, name="evidence"),
    path("reports/<int:pk>/history/", reports.history, name="report-history"),
    path("notifications/", reports.notifications, name="notifications"),
    path("tasks/<int:pk>/extension/", work.request_extension, name="extension-request"),
    path("extensions/<int:pk>/decide/", work.decide_extension, name="extension-decide"),
    path("plans/<int:pk>/supervision/", work.supervision, name="supervision"),
    path("plans/<int:pk>/supervision/open/", work.open_orders, name="orders-open"),
    path("orders/<int:pk>/", work.order_detail, name="order"),
    path("tasks/<int:pk>/follow/", work.follow, name="task-follow"),
    path("tasks/<int:pk>/history/", work.task_history, name="task-history"),
    path("cycles/<int:pk>/excel/", bulk.page, name="cycle-bulk"),
    path("cycles/<int:pk>/excel/export/", bulk.export, name="cycle-export"),
    path("cycles/<int:pk>/excel/import/", bulk.import_file, name="cycle-import"),
    path("units/<int:pk>/calendar/", calendar.subscription, name="unit-calendar"),
    path("units/<int:pk>/calendar/reset/", calendar.reset, name="unit-calendar-reset"),
    path("units/<int:pk>/calendar.ics", calendar.feed, name="unit-calendar-feed"),
]

from .views import assessment  # noqa: E402

urlpatterns += [
    path("plans/<int:pk>/assessment/", assessment.ranking, name="assessment"),
    path("plans/<int:pk>/assessment/<int:unit>/", assessment.unit_score, name="assessment-unit"),
    path("plans/<int:pk>/assessment/<int:unit>/not-applicable/", assessment.not_applicable, name="assessment-na"),
]

from .views import dashboard as dashboard_views  # noqa: E402

urlpatterns += [
    path("plans/<int:pk>/dashboard/", dashboard_views.plan_dashboard, name="dashboard"),
]

urlpatterns += [
    path("plans/<int:pk>/assessment/config/", assessment.config, name="assessment-config"),
    path("plans/<int:pk>/assessment/<int:unit>/adjustments/", assessment.adjust, name="assessment-adjust"),
]

from .views import printing  # noqa: E402

urlpatterns += [
    path("orders/<int:pk>/print.docx", printing.order_docx, name="order-docx"),
    path("orders/<int:pk>/print.pdf", printing.order_pdf, name="order-pdf"),
    path("plans/<int:pk>/assessment/<int:unit>/scorecard.docx", printing.scorecard_word, name="scorecard-docx"),
    path("plans/<int:pk>/assessment/<int:unit>/scorecard.pdf", printing.scorecard_pdf, name="scorecard-pdf"),
]

from .views import ledger as ledger_views  # noqa: E402

urlpatterns += [
    path("cycles/<int:pk>/ledger.xlsx", ledger_views.whole, name="cycle-ledger"),
    path("cycles/<int:pk>/ledger/job/", ledger_views.whole_job, name="cycle-ledger-job"),
    path("cycles/<int:pk>/units/<int:unit>/ledger.xlsx", ledger_views.for_unit, name="cycle-unit-ledger"),
]

from .views import annual  # noqa: E402

urlpatterns += [
    path("plans/<int:pk>/annual/", annual.annual_list, name="annual-list"),
    path("plans/<int:pk>/annual/new/", annual.annual_new, name="annual-new"),
    path("annual/<int:pk>/", annual.annual_detail, name="annual"),
    path("annual/<int:pk>/<str:action>/", annual.annual_act, name="annual-act"),
    path("annual/<int:pk>/report.docx", annual.annual_docx, name="annual-docx"),
    path("public/annual/", annual.public_list, name="public-annual-list"),
    path("public/annual/<int:pk>/", annual.public_detail, name="public-annual"),
    path("public/annual/<int:pk>/report.docx", annual.public_docx, name="public-annual-docx"),
]
