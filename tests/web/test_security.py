"""Sign-in, sessions and the settings that keep the application safe on an intranet."""

from __future__ import annotations

import importlib

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db


def test_sign_in_with_the_right_password_opens_the_office_pages() -> None:
    client = Client()
    response = client.post("/accounts/login/", {"username": "office", "password": "demo-pass-2024"})
    assert response.status_code == 302
    assert client.get("/jurisdictions/").status_code == 200


def test_sign_in_is_locked_after_five_failures_even_with_the_right_password() -> None:
    client = Client()
    for _ in range(5):
        page = client.post("/accounts/login/", {"username": "reporter", "password": "wrong-password"})
    assert "锁定" in page.content.decode()
    locked = client.post("/accounts/login/", {"username": "reporter", "password": "demo-pass-2024"})
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_says_so_in_chinese() -> None:
    page = Client().post("/accounts/login/", {"username": "office", "password": "nope"}).content.decode()
    assert "用户名或密码不正确" in page


def test_post_without_csrf_token_is_refused() -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="office"))
    response = client.post("/jurisdictions/6/units/add/", {"name": "县某局"})
    assert response.status_code == 403


def test_production_settings_hash_passwords_with_argon2_and_refuse_a_missing_secret(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import fazhi_web.settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE
    assert settings.SESSION_COOKIE_HTTPONLY and settings.X_FRAME_OPTIONS == "DENY"
    monkeypatch.delenv("FAZHI_SECRET_KEY")
    monkeypatch.delenv("FAZHI_DEBUG", raising=False)
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="FAZHI_SECRET_KEY"):
        importlib.reload(production)
    monkeypatch.setenv("FAZHI_SECRET_KEY", "restored")
    importlib.reload(production)


def test_an_unknown_page_answers_in_chinese_without_a_traceback(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Traceback" not in response.content.decode()
