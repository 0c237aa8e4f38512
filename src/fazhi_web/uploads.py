"""Uploads: a request body larger than the file it may carry is refused before any of it is read, and the
names people give their files are made safe to store and to show.

``refuse_oversized`` wraps an upload view. Django reads a multipart body in full (to memory or a temporary
file) as soon as anything touches ``request.POST`` — the CSRF check does, before the view runs. So the
wrapper is exempt from the middleware's check, compares the declared Content-Length with the limit, and only
then runs the view under ``csrf_protect``: a refusal reads nothing and changes nothing, everything else is
checked exactly as before. nginx's ``client_max_body_size`` (docs/deploy.md) is the first line; this is the
second, with the application's Chinese message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import wraps
from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt, csrf_protect

FORM_ALLOWANCE = 1024 * 1024  # the multipart envelope and the form's other fields
MAX_NAME_CHARS = 120
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f"*:<>?|\\/\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]')

View = Callable[..., HttpResponse]


def refuse_oversized(limit: Callable[[], int], back: str) -> Callable[[View], View]:
    """Refuse a POST whose body is larger than ``limit()`` bytes plus the form's allowance, without reading it;
    the refusal goes back to the page named ``back`` (with the view's ``pk``) with a message."""

    def decorate(view: View) -> View:
        protected = csrf_protect(view)

        @csrf_exempt  # the check runs in ``protected``, once the body is known to be of a sane size
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            size = _declared_length(request)
            if request.method == "POST" and size > limit() + FORM_ALLOWANCE:
                messages.error(request, f"上传的文件过大（约 {size // (1024 * 1024)} MB），上限为 "
                                        f"{limit() // (1024 * 1024)} MB；文件未读取，也未保存。")
                return redirect(back, *args, **kwargs)
            return protected(request, *args, **kwargs)

        return guarded

    return decorate


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def safe_name(name: str, default: str = "未命名文件") -> str:
    """A file name fit to store, show and send back in a download: no folders, no control or bidirectional
    characters, no quotes or characters Windows refuses, and at most ``MAX_NAME_CHARS`` characters with the
    extension kept."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/")
    name = _UNSAFE.sub("_", PurePath(name).name if "/" not in name else name.rsplit("/", 1)[-1])
    name = name.strip(" ._") or default
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and len(suffix) <= 10:
        return stem[: MAX_NAME_CHARS - len(suffix) - 1].rstrip(" .") + "." + suffix
    return name[:MAX_NAME_CHARS]
