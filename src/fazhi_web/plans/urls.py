from django.urls import path

from .views import pages, people, public, review, units

urlpatterns = [
    path("", pages.home, name="home"),
    path("jurisdictions/", pages.jurisdictions, name="jurisdictions"),
    path("jurisdictions/<int:pk>/", pages.jurisdiction_detail, name="jurisdiction"),
    path("jurisdictions/<int:pk>/units/", units.registry, name="units"),
    path("jurisdictions/<int:pk>/units/add/", units.add_unit, name="unit-add"),
    path("jurisdictions/<int:pk>/units/import/", units.import_list, name="unit-import"),
    path("units/<int:pk>/aliases/add/", units.add_alias, name="alias-add"),
    path("jurisdictions/<int:pk>/people/", people.people, name="people"),
    path("jurisdictions/<int:pk>/import/", review.upload, name="upload"),
    path("imports/<int:pk>/", review.review, name="draft"),
    path("imports/<int:pk>/tasks/<str:key>/", review.edit_task, name="draft-task"),
    path("imports/<int:pk>/tasks/<str:key>/split/", review.split_task, name="draft-split"),
    path("imports/<int:pk>/tasks/<str:key>/merge/", review.merge_task, name="draft-merge"),
    path("imports/<int:pk>/headings/<str:key>/", review.edit_heading, name="draft-heading"),
    path("imports/<int:pk>/names/", review.resolve_name, name="draft-resolve"),
    path("imports/<int:pk>/publish/", review.publish, name="draft-publish"),
    path("imports/<int:pk>/discard/", review.discard, name="draft-discard"),
    path("imports/<int:pk>/original/", review.original, name="draft-original"),
    path("plans/<int:pk>/", pages.plan_detail, name="plan"),
    path("plans/<int:pk>/matrix/", pages.matrix, name="matrix"),
    path("tasks/<int:pk>/", pages.task_detail, name="task"),
    path("my/", pages.my_tasks, name="my-tasks"),
    path("search/", pages.search, name="search"),
    path("public/", public.plans, name="public-plans"),
    path("public/plans/<int:pk>/", public.plan, name="public-plan"),
    path("healthz", pages.healthz, name="healthz"),
]
