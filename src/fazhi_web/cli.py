"""The `fazhi` command: the core's commands (`fazhi parse`) plus the web application's
(`fazhi demo`, `fazhi manage`, `fazhi gen-data`). Django is imported only when a web command runs, so
`fazhi parse` starts as fast as the core alone."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any

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
    typer.echo(f"请用浏览器打开 http://{host}:{port}/accounts/login/  演示账号：office / office2 / reporter / reporter2 / leader / upper，"
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


@app.command("gen-data")
def gen_data(
    scale: str = typer.Option("province", help="规模：province（1 省、15 市州、120 县）、prefecture（1 市及其 8 县）、"
                                              "county（1 县）、test（测试用的极小规模）"),
    seed: int = typer.Option(1, help="随机种子：同一种子、同一日期生成同样的数据"),
    as_of: str = typer.Option("", "--as-of", help="数据截至日期 YYYY-MM-DD（默认今天）；此后的事一概不生成"),
    replace: bool = typer.Option(False, "--replace", help="先删除已有的生成数据（gen- 开头的账号及其省）再生成"),
) -> None:
    """生成一个省的模拟数据用于压力测试：行政区划、单位名录、账号、由样本方案派生的方案，以及 5 年按季度的进展报告、
    佐证材料、督办单、延期申请和考核加减分（写入 $DATABASE_URL 或 $FAZHI_DATA_DIR 中的数据库，先运行 `fazhi manage migrate`）。

    账号（密码均为 gen-pass-2024）：gen-upper（省级上级查看）；每个行政区划的法治办 gen-<区划代码>-office；
    每个单位的填报员 gen-<区划代码>-u<序号>-reporter 和分管领导 gen-<区划代码>-u<序号>-leader。
    区划代码：省 p，市州 p01…p15，县 p01c01…p15c08；单位序号按名录顺序从 u01 起。
    例如 gen-p01c01-office、gen-p01c01-u01-reporter、gen-p01c01-u01-leader。
    """
    from datetime import date

    from fazhi_web.generate.blueprint import SCALES

    if scale not in SCALES:
        raise typer.BadParameter(f"未知规模“{scale}”，可选：{'、'.join(SCALES)}", param_hint="--scale")
    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError:
        raise typer.BadParameter(f"日期“{as_of}”应写成 YYYY-MM-DD", param_hint="--as-of") from None
    _prepare_environment(_data_dir())
    import django

    django.setup()
    _generate(SCALES[scale], seed=seed, as_of=day, replace=replace)


def _generate(scale: Any, *, seed: int, as_of: Any, replace: bool) -> None:
    import logging
    import time

    from rich.console import Console
    from rich.progress import Progress

    from fazhi_web.generate.blueprint import blueprint
    from fazhi_web.generate.run import AlreadyGenerated, generate
    from fazhi_web.generate.world import PASSWORD

    logging.getLogger("fazhi_web").setLevel(logging.WARNING)  # one line per published plan would drown the bar
    console = Console(stderr=True)
    started = time.monotonic()
    with Progress(console=console, transient=True) as progress:
        bar = progress.add_task("生成中", total=len(blueprint(scale, seed)))
        try:
            summary = generate(scale=scale, seed=seed, as_of=as_of, replace=replace,
                               on_place=lambda place: progress.update(bar, advance=1, description=place.name))
        except AlreadyGenerated as error:
            progress.stop()
            console.print(f"[red]{error}[/red]")
            raise typer.Exit(1) from None
    _print_summary(summary, seconds=time.monotonic() - started, password=PASSWORD)


def _print_summary(summary: Any, *, seconds: float, password: str) -> None:
    counts = summary.counts
    typer.echo(f"已生成 {summary.province}：{summary.places} 个行政区划、{summary.plans} 份方案、{summary.accounts} 个账号，"
               f"用时 {seconds:.0f} 秒。")
    typer.echo(f"报送周期 {counts.cycles}，进展报告 {counts.reports}，指标实际值 {counts.values}，佐证材料 {counts.evidence}，"
               f"督办单 {counts.orders}，延期申请 {counts.extensions}，考核加减分 {counts.adjustments}。")
    accounts = "，".join(f"{who} {name}" for who, name in summary.examples.items())
    typer.echo(f"账号（密码均为 {password}）：{accounts}；"
               "其他账号为 gen-<区划代码>-office、gen-<区划代码>-u<单位序号>-reporter / -leader（见 fazhi gen-data --help）。")


def main() -> None:
    app()
