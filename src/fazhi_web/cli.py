"""The `fazhi` command: the core's commands (`fazhi parse`) plus the web application's
(`fazhi demo`, `fazhi manage`). Django is imported only when a web command runs, so
`fazhi parse` starts as fast as the core alone."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import typer

from fazhi.cli import app


def _prepare_environment(data_dir: Path, *, debug: bool = False) -> None:
    """Point the settings at ``data_dir`` and give it a secret key of its own, kept there."""
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), "ascii")
        key_file.chmod(0o600)
    os.environ["FAZHI_DATA_DIR"] = str(data_dir.resolve())
    os.environ.setdefault("FAZHI_SECRET_KEY", key_file.read_text("ascii").strip())
    if debug:
        os.environ["FAZHI_DEBUG"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi_web.settings")


def _data_dir() -> Path:
    return Path(os.environ.get("FAZHI_DATA_DIR", "var"))


@app.command()
def demo(
    port: int = typer.Option(8000, help="端口"),
    host: str = typer.Option("127.0.0.1", help="监听地址（默认仅本机）"),
) -> None:
    """建库、载入五份样本方案和演示账号，并在 http://127.0.0.1:8000 提供服务（数据在 $FAZHI_DATA_DIR，默认 ./var/）。"""
    _prepare_environment(_data_dir())
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    typer.echo("正在载入演示数据……")
    call_command("load_demo")
    typer.echo(f"请用浏览器打开 http://{host}:{port}/accounts/login/  演示账号：office / reporter / reporter2 / leader / upper，"
               "密码 demo-pass-2024。按 Ctrl+C 停止。")
    _serve(host, port)


def _serve(host: str, port: int) -> None:
    from waitress import serve

    from fazhi_web.wsgi import application

    serve(application, host=host, port=port, threads=8, ident="fazhi")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context) -> None:
    """Django 管理命令，如 `fazhi manage migrate`、`fazhi manage createsuperuser`、`fazhi manage create_api_token 用户名`。"""
    _prepare_environment(_data_dir())
    from django.core.management import execute_from_command_line

    execute_from_command_line([f"{Path(sys.argv[0]).name} manage", *ctx.args])


def main() -> None:
    app()
