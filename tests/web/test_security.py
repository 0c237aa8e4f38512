"""Sign-in, sessions and the settings that keep the application safe on an intranet."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

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


# ------------------------------------------------------------------------------------------ sessions


def _sign_in(client: Client, username: str = "office", **extra: str) -> object:
    return client.post("/accounts/login/", {"username": username, "password": "demo-pass-2024", **extra})  # type: ignore[arg-type]


def test_signing_in_starts_a_new_session_so_a_planted_session_id_is_useless() -> None:
    client = Client()
    session = client.session
    session["planted"] = "by someone else"
    session.save()
    planted = session.session_key
    assert _sign_in(client).status_code == 302
    assert client.cookies["sessionid"].value != planted
    from django.contrib.sessions.backends.db import SessionStore

    assert not SessionStore().exists(planted)


def test_signing_out_ends_the_session_on_the_server_not_only_in_the_browser() -> None:
    client = Client()
    _sign_in(client)
    stolen = client.cookies["sessionid"].value
    assert client.post("/accounts/logout/").status_code == 302
    thief = Client()
    thief.cookies["sessionid"] = stolen
    response = thief.get("/jurisdictions/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_session_left_idle_is_signed_out_with_a_message_and_a_busy_one_is_not(settings: object) -> None:
    import time_machine

    idle = settings.FAZHI_IDLE_MINUTES  # type: ignore[attr-defined]
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False) as clock:
        client = Client()
        _sign_in(client)
        assert client.get("/jurisdictions/").status_code == 200
        for _ in range(3):  # used every (idle - 1) minutes: still signed in after more than twice the idle time
            clock.shift(timedelta(minutes=idle - 1))
            assert client.get("/jurisdictions/").status_code == 200
        clock.shift(timedelta(minutes=idle + 1))
        response = client.get("/jurisdictions/", follow=True)
        assert response.redirect_chain[0][0].startswith("/accounts/login/?next=/jurisdictions/")
        assert f"超过 {idle} 分钟未操作" in response.content.decode()
        assert "_auth_user_id" not in client.session


def test_passwords_are_stored_as_argon2_hashes_under_production_settings(settings: object) -> None:
    import fazhi_web.settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS  # type: ignore[attr-defined]  # tests use MD5 for speed
    person = User.objects.create_user("hashcheck", password="Rule-of-law-2026")
    assert person.password.startswith("argon2$argon2id$")
    assert _sign_in(Client(), "hashcheck", password="Rule-of-law-2026").status_code == 302


@pytest.mark.parametrize("password", ["password123", "qwertyuiop", "1234567890", "iloveyou12", "office-2024"])
def test_a_common_or_guessable_password_is_refused_when_changing_it(password: str) -> None:
    client = Client()
    client.force_login(User.objects.get(username="office"))
    response = client.post("/accounts/password/", {"old_password": "demo-pass-2024", "new_password1": password,
                                                   "new_password2": password})
    assert response.status_code == 200  # the form again, with the reason
    page = response.content.decode()
    assert any(reason in page for reason in ("过于常见", "全部为数字", "太短", "太相似")), page
    assert User.objects.get(username="office").check_password("demo-pass-2024")


def test_the_office_cannot_give_a_new_person_a_common_password(pingchang: object) -> None:
    client = Client()
    client.force_login(User.objects.get(username="office"))
    response = client.post(f"/jurisdictions/{pingchang.pk}/people/",  # type: ignore[attr-defined]
                           {"username": "newperson", "role": "office", "password": "password123"})
    assert response.status_code == 400 and "过于常见" in response.content.decode()
    assert not User.objects.filter(username="newperson").exists()


def test_one_locked_name_does_not_lock_anyone_else_signing_in_from_the_same_address() -> None:
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"username": "reporter", "password": "wrong-password"})
    assert _sign_in(client, "reporter").status_code == 429
    assert _sign_in(Client(), "leader").status_code == 302


# ------------------------------------------------------------------------------------------ two-step verification


def _current_code(user: User) -> str:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _enrol(client: Client, user: User) -> None:
    page = client.get("/accounts/security/").content.decode()
    assert "扫描下面的二维码" in page and 'src="data:image/svg+xml' in page
    response = client.post("/accounts/security/", {"action": "enable", "otp_token": _current_code(user)})
    assert response.status_code == 302
    assert "已开启" in client.get("/accounts/security/").content.decode()


@contextmanager
def _enrolled(username: str) -> Iterator[tuple[User, Any]]:
    """The account with two-step verification set up, on a stopped clock a minute later (a code is accepted
    once: the next sign-in needs the next one)."""
    import time_machine

    user = User.objects.get(username=username)
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False) as clock:
        client = Client()
        _sign_in(client, username)
        _enrol(client, user)
        clock.shift(timedelta(seconds=60))
        yield user, clock


def test_an_office_administrator_turns_on_two_step_verification_and_then_needs_the_code_to_sign_in() -> None:
    with _enrolled("office") as (office, clock):
        without = _sign_in(Client())
        assert without.status_code == 200 and "请输入手机验证器上显示的 6 位动态验证码" in without.content.decode()
        wrong = _sign_in(Client(), otp_token="000000" if _current_code(office) != "000000" else "111111")
        assert "动态验证码不正确" in wrong.content.decode()

        clock.shift(timedelta(seconds=60))  # past the device's throttle after one wrong code
        signed_in = Client()
        assert _sign_in(signed_in, otp_token=_current_code(office)).status_code == 302
        assert signed_in.get("/jurisdictions/").status_code == 200


def test_wrong_codes_count_towards_the_lock_out_like_wrong_passwords() -> None:
    with _enrolled("office") as (office, _clock):
        for _ in range(5):
            _sign_in(Client(), otp_token="999999")
        assert _sign_in(Client(), otp_token=_current_code(office)).status_code == 429


def test_a_wrong_code_does_not_turn_verification_on(login: object) -> None:
    client = Client()
    client.force_login(User.objects.get(username="reporter"))
    client.get("/accounts/security/")
    response = client.post("/accounts/security/", {"action": "enable", "otp_token": "12345"})
    assert "请输入 6 位数字" in response.content.decode()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert not TOTPDevice.objects.filter(user__username="reporter", confirmed=True).exists()


def test_when_required_an_office_administrator_without_it_is_held_at_the_setup_page(settings: object) -> None:
    settings.FAZHI_OFFICE_TOTP_REQUIRED = True  # type: ignore[attr-defined]
    office = Client()
    _sign_in(office)
    response = office.get("/jurisdictions/")
    assert response.status_code == 302 and response["Location"] == "/accounts/security/"
    page = office.get("/accounts/security/").content.decode()
    assert "要求法治办管理员开启两步验证" in page
    # a unit's reporter is not an office administrator: not held
    reporter = Client()
    _sign_in(reporter, "reporter")
    assert reporter.get("/my/").status_code == 200
    # once set up (which verifies this session), the office goes on, and cannot turn it off
    _enrol(office, User.objects.get(username="office"))
    assert office.get("/jurisdictions/").status_code == 200
    refused = office.post("/accounts/security/", {"action": "disable",
                                                  "otp_token": _current_code(User.objects.get(username="office"))})
    assert "不能关闭" in refused.content.decode()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert TOTPDevice.objects.filter(user__username="office", confirmed=True).exists()


def test_someone_who_chose_it_can_turn_it_off_with_a_current_code() -> None:
    with _enrolled("reporter") as (reporter, clock):
        client = Client()
        client.force_login(reporter)
        response = client.post("/accounts/security/", {"action": "disable", "otp_token": _current_code(reporter)})
        assert response.status_code == 302
        clock.shift(timedelta(seconds=60))
        assert _sign_in(Client(), "reporter").status_code == 302  # the password alone again


# ------------------------------------------------------------------------------------------ headers and deployment


def test_every_kind_of_page_carries_a_content_security_policy_without_inline_script() -> None:
    office = Client()
    office.force_login(User.objects.get(username="office"))
    for client, url in [(Client(), "/accounts/login/"), (Client(), "/public/"), (Client(), "/no-such-page/"),
                        (office, "/jurisdictions/"), (office, "/my/")]:
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'" and directives["object-src"] == "'none'"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert directives["frame-ancestors"] == "'none'"


def test_no_template_has_inline_script_event_handlers_or_style_attributes() -> None:
    """What the policy would block must not be in the pages: every behaviour lives in static files."""
    import re
    from pathlib import Path

    import fazhi_web

    templates = Path(fazhi_web.__file__).parent / "templates"
    offending = []
    for template in templates.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+\s*=", r"\sstyle\s*=", r"javascript:"):
            offending += [f"{template.name}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert offending == []


def test_the_deployment_check_is_clean_under_production_settings(tmp_path: object) -> None:
    import os
    import secrets
    import subprocess
    import sys
    from pathlib import Path

    manage = Path(__file__).resolve().parents[2] / "manage.py"
    env = {**os.environ, "FAZHI_HTTPS": "1", "FAZHI_SECRET_KEY": secrets.token_urlsafe(64),
           "FAZHI_ALLOWED_HOSTS": "fazhi.example.gov.cn", "FAZHI_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "fazhi_web.settings"}
    for development_only in ("FAZHI_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"):  # the browser tests set the second
        env.pop(development_only, None)
    result = subprocess.run([sys.executable, str(manage), "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_administrator_can_clear_a_lost_phones_second_factor_from_the_command_line() -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    reporter = User.objects.get(username="reporter")
    TOTPDevice.objects.create(user=reporter, name="手机验证器", confirmed=True)
    output = StringIO()
    call_command("reset_second_factor", "reporter", stdout=output)
    assert "已清除 reporter 的两步验证" in output.getvalue()
    assert not TOTPDevice.objects.filter(user=reporter).exists()
    assert _sign_in(Client(), "reporter").status_code == 302
    with pytest.raises(CommandError, match="没有用户名为"):
        call_command("reset_second_factor", "nobody")
