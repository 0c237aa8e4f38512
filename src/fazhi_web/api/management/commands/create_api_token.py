"""manage.py create_api_token USER NAME: print a new API token for a user (shown once)."""

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fazhi_web.api.models import ApiToken


class Command(BaseCommand):
    help = "为用户创建接口令牌（仅显示一次）：create_api_token 用户名 用途"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("name", nargs="?", default="命令行创建")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"没有用户“{options['username']}”")
        _, key = ApiToken.issue(user=user, name=options["name"])
        self.stdout.write(key)
