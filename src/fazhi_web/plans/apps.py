from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "fazhi_web.plans"
    label = "plans"
    verbose_name = "方案与任务"

    def ready(self) -> None:
        from . import access  # noqa: F401  registers the object permissions with django-rules
