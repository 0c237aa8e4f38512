"""manage.py load_demo: the demo jurisdictions, unit registries, sample plans and accounts (safe to run twice)."""

from typing import Any

from django.core.management.base import BaseCommand

from fazhi_web.plans.demo import load_demo


class Command(BaseCommand):
    help = "载入演示数据：行政区划、单位名录、五份样本方案和演示账号（已载入时不重复载入）"

    def handle(self, *args: Any, **options: Any) -> None:
        if load_demo():
            self.stdout.write("演示数据已载入。")
        else:
            self.stdout.write("演示数据此前已载入，未作改动。")
