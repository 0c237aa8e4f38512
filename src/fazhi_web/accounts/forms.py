"""The sign-in form: user name and password, then the authenticator's code when the account has one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django_otp import devices_for_user
from django_otp.models import Device

CODE_MISSING = "此账号已开启两步验证：请输入手机验证器上显示的 6 位动态验证码。"
CODE_WRONG = "动态验证码不正确或已过期，请输入验证器上当前显示的 6 位数字。"


def confirmed_devices(user: Any) -> list[Device]:
    return list(devices_for_user(user, confirmed=True))


class SignInForm(AuthenticationForm):
    otp_token = forms.CharField(label="动态验证码", required=False, max_length=8,
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # the password (django-axes counts a wrong one)
        user = self.get_user()
        devices = confirmed_devices(user) if user else []
        if devices:
            token = (cleaned.get("otp_token") or "").strip().replace(" ", "")
            device = next((d for d in devices if token and d.verify_token(token)), None)
            if device is None:
                # A wrong code counts towards the lock-out like a wrong password, so codes cannot be guessed.
                user_login_failed.send(sender=__name__, credentials={"username": cleaned.get("username")},
                                       request=self.request)
                raise forms.ValidationError(CODE_WRONG if token else CODE_MISSING, code="otp")
            user.otp_device = device  # type: ignore[union-attr]  # django_otp.login marks the session verified
        return cleaned


class CodeForm(forms.Form):
    otp_token = forms.RegexField(label="动态验证码", regex=r"^\s*\d{6}\s*$", max_length=8,
                                 error_messages={"invalid": "请输入 6 位数字。", "required": "请输入验证码。"},
                                 widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                               "inputmode": "numeric"}))

    def token(self) -> str:
        return str(self.cleaned_data["otp_token"]).strip()
