from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "fazhi_web.tracking"
    label = "tracking"
    verbose_name = "落实跟踪"
