"""Django's password rules with their reasons in Chinese (Django's own Chinese catalogue leaves them in English).

Each class keeps its parent's check and only says why in words the user reads; settings.AUTH_PASSWORD_VALIDATORS
lists these.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation as django_rules
from django.core.exceptions import ValidationError


def _refuse(check: Any, message: str, code: str) -> None:
    try:
        check()
    except ValidationError as error:
        raise ValidationError(message, code=code) from error


class MinimumLength(django_rules.MinimumLengthValidator):
    def validate(self, password: str, user: Any = None) -> None:
        _refuse(lambda: super(MinimumLength, self).validate(password, user),
                f"密码太短：至少需要 {self.min_length} 个字符。", "password_too_short")

    def get_help_text(self) -> str:
        return f"至少 {self.min_length} 个字符。"


class NotLikeTheAccount(django_rules.UserAttributeSimilarityValidator):
    def validate(self, password: str, user: Any = None) -> None:
        _refuse(lambda: super(NotLikeTheAccount, self).validate(password, user),
                "密码与用户名或姓名太相似。", "password_too_similar")

    def get_help_text(self) -> str:
        return "不能与用户名或姓名相似。"


class NotCommon(django_rules.CommonPasswordValidator):
    def validate(self, password: str, user: Any = None) -> None:
        _refuse(lambda: super(NotCommon, self).validate(password, user),
                "这个密码过于常见，容易被猜中，请换一个。", "password_too_common")

    def get_help_text(self) -> str:
        return "不能是常见密码。"


class NotAllDigits(django_rules.NumericPasswordValidator):
    def validate(self, password: str, user: Any = None) -> None:
        _refuse(lambda: super(NotAllDigits, self).validate(password, user),
                "密码不能全部为数字。", "password_entirely_numeric")

    def get_help_text(self) -> str:
        return "不能全部为数字。"
