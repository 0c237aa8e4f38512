from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "fazhi_web.api"
    label = "api"
    verbose_name = "接口"
