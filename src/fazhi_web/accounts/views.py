"""Sign-in and the account's security page (password and two-step verification)."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from fazhi_web.plans.access import managed_jurisdiction_ids

from .forms import CodeForm, SignInForm, confirmed_devices

PENDING_NAME = "待确认"


class SignInView(LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True


def _qr_data_uri(text: str) -> str:
    """The enrolment QR code as an image, drawn here: nothing leaves the intranet."""
    return str(segno.make(text, error="m").svg_data_uri(scale=5, border=2))


def _pending_device(user: object) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=PENDING_NAME, confirmed=False)


def _secret_for_typing(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@login_required
@require_http_methods(["GET", "POST"])
def account_security(request: HttpRequest) -> HttpResponse:
    """Set up two-step verification (scan, then type a code to prove it works) or turn it off."""
    devices = confirmed_devices(request.user)
    required = settings.FAZHI_OFFICE_TOTP_REQUIRED and bool(managed_jurisdiction_ids(request.user))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        if action == "enable" and not devices:
            device = _pending_device(request.user)
            if device.verify_token(form.token()):
                with transaction.atomic():
                    device.confirmed, device.name = True, "手机验证器"
                    device.save(update_fields=["confirmed", "name"])
                otp_login(request, device)
                messages.success(request, "两步验证已开启：以后登录时需要输入验证器上的动态验证码。")
                return redirect("account-security")
            form.add_error("otp_token", "验证码不正确：请确认手机时间准确，并输入验证器上当前显示的数字。")
        elif action == "disable" and devices:
            if required:
                form.add_error(None, "本系统要求法治办管理员开启两步验证，不能关闭。")
            elif any(d.verify_token(form.token()) for d in devices):
                TOTPDevice.objects.filter(user=request.user).delete()
                messages.success(request, "两步验证已关闭。")
                return redirect("account-security")
            else:
                form.add_error("otp_token", "验证码不正确，两步验证未关闭。")
    context: dict[str, object] = {"form": form, "enabled": bool(devices), "required": required}
    if not devices:
        device = _pending_device(request.user)
        context.update(qr=_qr_data_uri(device.config_url), secret=_secret_for_typing(device))
    return render(request, "registration/security.html", context)
