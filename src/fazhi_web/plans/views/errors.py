"""Error pages in Chinese, never a traceback."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = str(exception) if exception and str(exception) else "您没有权限进行此操作。"
    return render(request, "error.html", {"code": 403, "title": "无权访问", "reason": reason}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "error.html", {"code": 404, "title": "找不到页面",
                                          "reason": "找不到该页面或对象，或您无权查看。"}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "error.html", {"code": 500, "title": "系统出错",
                                          "reason": "系统出错，操作未完成。请稍后重试，或联系管理员。"}, status=500)
