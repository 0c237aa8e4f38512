"""manage.py reset_second_factor USER: remove a person's two-step verification (a lost or replaced phone)."""

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = ("清除某个账号的两步验证（手机丢失或更换时）。该账号下次用密码登录；若系统要求法治办管理员开启两步验证，"
            "登录后会被引导重新设置。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="用户名")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"没有用户名为“{options['username']}”的账号")
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        if removed:
            self.stdout.write(f"已清除 {user.username} 的两步验证；请提醒其登录后重新设置。")
        else:
            self.stdout.write(f"{user.username} 没有开启两步验证，无需清除。")
