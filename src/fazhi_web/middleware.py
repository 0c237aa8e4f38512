"""Request-wide safeguards that are not any one page's business: the Content-Security-Policy header, signing out
an idle session, and holding an office administrator at the second-factor page when the deployment requires one.

Order in settings.MIDDLEWARE: after authentication and messages (they read ``request.user`` and leave a message).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

Handler = Callable[[HttpRequest], HttpResponse]

# Scripts, styles, images and connections only from this server; nothing inline, no plugins, no framing, forms
# post only here. Every page's scripts are static files (htmx, app.js, ECharts), so text that reached a page as
# markup by mistake still cannot run.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


LAST_SEEN = "fazhi_last_seen"
# Writing the time on every request would write the session row on every request; once a minute is exact enough.
LAST_SEEN_RESOLUTION_SECONDS = 60


class IdleTimeoutMiddleware:
    """Signs out a session nobody has used for FAZHI_IDLE_MINUTES, on top of the session's whole-day lifetime."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            if last_seen is not None and now - last_seen > settings.FAZHI_IDLE_MINUTES * 60:
                logout(request)
                messages.info(request, f"您已超过 {settings.FAZHI_IDLE_MINUTES} 分钟未操作，为安全起见已自动退出，请重新登录。")
                return redirect_to_login(request.get_full_path())
            if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class OfficeSecondFactorMiddleware:
    """With FAZHI_OFFICE_TOTP=required, an office administrator signed in without a verified second factor may
    open only the page that sets one up (and sign out); everything else sends them there."""

    ALLOWED_URL_NAMES = ("account-security", "logout")

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.FAZHI_OFFICE_TOTP_REQUIRED and self._must_verify(request):
            allowed = {reverse(name) for name in self.ALLOWED_URL_NAMES}
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                messages.warning(request, "本系统要求法治办管理员开启两步验证：请先用手机验证器完成设置。")
                return redirect("account-security")
        return self.get_response(request)

    @staticmethod
    def _must_verify(request: HttpRequest) -> bool:
        from fazhi_web.plans.access import managed_jurisdiction_ids

        user = request.user
        return bool(user.is_authenticated and not user.is_verified()  # type: ignore[union-attr]
                    and managed_jurisdiction_ids(user))
