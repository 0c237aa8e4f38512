"""The load benchmark: fazhi served by gunicorn on PostgreSQL, driven by Locust over loopback.

    .venv/bin/python bench/load/run.py --scale province --users 10,50,200 --duration 60

With ``--scale`` it uses the PostgreSQL database fazhi_load_<scale> on ``--server`` (default the local one) and
the data directory var/load-<scale>, and when the database does not exist yet it creates it, migrates it and
fills it with `fazhi gen-data --scale <scale>` (minutes for a province). ``--database-url`` and ``--data-dir``
point it at any other instance instead.

It picks real accounts from the database (reporters with their tasks and the current cycle's unreported tasks,
office administrators with their plan), starts gunicorn with the production configuration
(deploy/gunicorn.conf.py, DEBUG off), signs every simulated user in, and for each number of concurrent users
runs bench/load/locustfile.py for ``--duration`` seconds after all users have signed in. It prints, and writes to
bench/load/results/<label>.json, p50/p95/p99 latency and throughput for the pages and for the exports, and
each page's own figures.

The run changes the database as users do: reports are opened, saved and submitted. Run it on a copy (the
data generator makes one in minutes: `fazhi gen-data`). Figures, never assertions: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BIN = Path(sys.executable).parent
EXPORTS = ("导出：",)  # page names starting so are downloads, reported apart from the pages
SIGN_IN = "登录"  # measured from when all have signed in (locustfile.py); neither a page nor an export
SEARCH_TERMS = ["行政执法", "复议", "法治", "公平竞争审查", "督办", "证明事项", "合法性审查", "执法人员", "普法",
                "信访", "行政规范性文件", "政务公开"]


def main() -> None:
    args = _arguments()
    environment = _environment(args)
    if args.scale:
        prepare_database(args, environment)
    os.environ.update(environment)
    accounts = pick_accounts(reporters=args.reporters, offices=args.offices, password=args.password, seed=args.seed)
    accounts_file = Path(tempfile.mkdtemp(prefix="fazhi-load-")) / "accounts.json"
    accounts_file.write_text(json.dumps(accounts, ensure_ascii=False), "utf-8")
    print(f"{len(accounts['reporters'])} reporters, {len(accounts['offices'])} offices; "
          f"{sum(len(r['open']) for r in accounts['reporters'])} unreported tasks to write", flush=True)
    server = _start_server(args, environment)
    results: dict[str, Any] = {"label": args.label, "date": date.today().isoformat(), "cores": os.cpu_count(),
                               "duration": args.duration, "think": [args.think_min, args.think_max],
                               "workers": args.workers, "levels": []}
    try:
        for users in args.users:
            level = run_level(args, environment, accounts_file, users)
            results["levels"].append(level)
            print(summary_line(level), flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    out = Path(args.out or HERE / "results" / f"{args.label}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    print(markdown(results))
    print(f"written to {out}")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=["county", "prefecture", "province"], default="",
                        help="generate (once) and use the database fazhi_load_<scale>")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL for --scale")
    parser.add_argument("--database-url", default="", help="an existing instance's database instead of --scale")
    parser.add_argument("--data-dir", default="", help="that instance's FAZHI_DATA_DIR (evidence files, key)")
    parser.add_argument("--label", default="", help="name of the result file (default: the scale)")
    parser.add_argument("--users", default="10,50,200", type=lambda s: [int(x) for x in s.split(",")])
    parser.add_argument("--duration", type=int, default=60, help="seconds measured at each level")
    parser.add_argument("--think-min", type=float, default=2.0, help="seconds a user waits between clicks, at least")
    parser.add_argument("--think-max", type=float, default=6.0, help="… and at most (uniform)")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: the config's)")
    parser.add_argument("--reporters", type=int, default=400, help="distinct reporter accounts to sign in")
    parser.add_argument("--offices", type=int, default=80, help="distinct office accounts to sign in")
    parser.add_argument("--password", default=os.environ.get("FAZHI_LOAD_PASSWORD", "demo-pass-2024"))
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    if args.scale:
        args.database_url = args.database_url or f"{args.server.rstrip('/')}/fazhi_load_{args.scale}"
        args.data_dir = args.data_dir or str(ROOT / "var" / f"load-{args.scale}")
        args.label = args.label or args.scale
        args.password = "gen-pass-2024" if args.password == "demo-pass-2024" else args.password
    if not args.database_url.startswith("postgres") or not args.data_dir:
        parser.error("give --scale, or --database-url (PostgreSQL, the production set-up) with --data-dir")
    args.label = args.label or "run"
    return args


def _environment(args: argparse.Namespace) -> dict[str, str]:
    data_dir = Path(args.data_dir).resolve()
    key_file = data_dir / "secret_key"
    return {
        "DATABASE_URL": args.database_url, "FAZHI_DATA_DIR": str(data_dir),
        "FAZHI_SECRET_KEY": key_file.read_text("ascii").strip() if key_file.exists() else "load-benchmark-key-" + "x" * 40,
        "FAZHI_ALLOWED_HOSTS": "127.0.0.1,localhost", "DJANGO_SETTINGS_MODULE": "fazhi_web.settings",
        "FAZHI_DEBUG": "",
    }


# ---------------------------------------------------------------- the database under test

def prepare_database(args: argparse.Namespace, environment: dict[str, str]) -> None:
    """Create, migrate and fill fazhi_load_<scale> unless it is there already."""
    import psycopg

    name = args.database_url.rsplit("/", 1)[1]
    with psycopg.connect(f"{args.server.rstrip('/')}/postgres", autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        admin.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
    print(f"generating the {args.scale} in {name} (fazhi gen-data)…", flush=True)
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **environment}
    env.pop("FAZHI_SECRET_KEY")  # the CLI keeps the instance's own key in its data directory
    try:
        subprocess.run([str(BIN / "fazhi"), "manage", "migrate", "-v0"], env=env, check=True)
        subprocess.run([str(BIN / "fazhi"), "gen-data", "--scale", args.scale], env=env, check=True)
    except BaseException:  # a failure or Ctrl+C
        with psycopg.connect(f"{args.server.rstrip('/')}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}"')  # a half-made database would be taken as made next time
        raise
    environment.update(_environment(args))  # now with the key the CLI wrote


# ---------------------------------------------------------------- accounts

def pick_accounts(*, reporters: int, offices: int, password: str, seed: int) -> dict[str, Any]:
    """Real people of the database under test and what each will open, spread over the jurisdictions."""
    import django

    django.setup()
    from django.db import connections

    rng = random.Random(seed)
    picked = {"password": password, "search_terms": SEARCH_TERMS,
              "reporters": _reporters(reporters, rng), "offices": _offices(offices, rng)}
    connections.close_all()
    if not picked["reporters"] or not picked["offices"]:
        raise SystemExit("the database has no reporter or no office with a published plan and a cycle")
    return picked


def _reporters(count: int, rng: random.Random) -> list[dict[str, Any]]:
    from fazhi_web.plans.models import Assignment, Membership, PlanStatus, Role, TaskStatus
    from fazhi_web.tracking.models import Report, ReportStatus

    people = list(Membership.objects.filter(role=Role.REPORTER, user__is_active=True)
                  .values_list("user__username", "unit_id"))
    rng.shuffle(people)
    chosen = []
    for username, unit_id in people:
        tasks = list(Assignment.objects.filter(unit_id=unit_id, task__status=TaskStatus.ACTIVE,
                                               task__plan__status=PlanStatus.PUBLISHED)
                     .values_list("task_id", "task__plan_id")[:40])
        cycle = _current_cycle({plan for _, plan in tasks})
        if not tasks or cycle is None:
            continue
        done = set(Report.objects.filter(unit_id=unit_id, cycle_id=cycle["pk"])
                   .exclude(status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED]).values_list("task_id", flat=True))
        own = [task for task, plan in tasks if plan == cycle["plan"]]
        unreported = [[task, cycle["pk"]] for task in own if task not in done]
        if not unreported:
            continue  # everything reported (by an earlier run): someone else has work to do
        chosen.append({"username": username, "unit": unit_id, "plan": cycle["plan"], "cycle": cycle["pk"],
                       "tasks": own, "open": unreported})
        if len(chosen) == count:
            break
    return chosen


def _offices(count: int, rng: random.Random) -> list[dict[str, Any]]:
    from fazhi_web.plans.models import Membership, Plan, PlanStatus, Role

    people = list(Membership.objects.filter(role=Role.OFFICE, user__is_active=True)
                  .values_list("user__username", "jurisdiction_id"))
    rng.shuffle(people)
    chosen = []
    for username, place in people:
        plans = set(Plan.objects.filter(jurisdiction_id=place, status=PlanStatus.PUBLISHED).values_list("pk", flat=True))
        cycle = _current_cycle(plans)
        if cycle is not None:
            chosen.append({"username": username, "plan": cycle["plan"], "cycle": cycle["pk"]})
        if len(chosen) == count:
            break
    return chosen


def _current_cycle(plans: set[int]) -> dict[str, int] | None:
    """The latest cycle already started of any of these plans (the one people are reporting on)."""
    from fazhi_web.tracking.models import Cycle

    found = (Cycle.objects.filter(plan_id__in=plans, starts_on__lte=date.today()).order_by("-starts_on", "plan_id")
             .values("pk", "plan_id").first())
    return {"pk": found["pk"], "plan": found["plan_id"]} if found else None


# ---------------------------------------------------------------- server and load

def _start_server(args: argparse.Namespace, environment: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [str(BIN / "gunicorn"), "fazhi_web.wsgi:application", "--bind", f"127.0.0.1:{args.port}"]
    config = ROOT / "deploy" / "gunicorn.conf.py"
    if config.exists():
        command += ["--config", str(config)]
    if args.workers:
        command += ["--workers", str(args.workers)]
    # Logged as in production, but to /dev/null unless asked: the terminal is for the figures.
    command += ["--access-logfile", os.environ.get("FAZHI_LOAD_ACCESS_LOG", "/dev/null"), "--error-logfile", "-",
                "--log-level", "warning"]
    server = subprocess.Popen(command, env={**os.environ, **environment}, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def run_level(args: argparse.Namespace, environment: dict[str, str], accounts: Path, users: int) -> dict[str, Any]:
    timings = accounts.with_name(f"timings-{users}.json")
    spawn_rate = max(2, users // 10)
    command = [str(BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless", "--only-summary",
               "--host", f"http://127.0.0.1:{args.port}", "--users", str(users), "--spawn-rate", str(spawn_rate),
               "--run-time", f"{args.duration + users // spawn_rate + users // 4 + 5}s", "--stop-timeout", "10",
               "--loglevel", "WARNING"]
    env = {**os.environ, **environment, "FAZHI_LOAD_ACCOUNTS": str(accounts), "FAZHI_LOAD_TIMINGS": str(timings),
           "FAZHI_LOAD_THINK_MIN": str(args.think_min), "FAZHI_LOAD_THINK_MAX": str(args.think_max)}
    subprocess.run(command, env=env, cwd=HERE, check=False, stdout=subprocess.DEVNULL)
    return level_figures(users, json.loads(timings.read_text("utf-8")))


def level_figures(users: int, raw: dict[str, Any]) -> dict[str, Any]:
    seconds = raw["seconds"]
    timings: dict[str, list[float]] = raw["timings"]
    failures: dict[str, int] = raw["failures"]
    def is_page(name: str) -> bool:
        return name != SIGN_IN and not name.startswith(EXPORTS)

    pages = [t for name, values in timings.items() if is_page(name) for t in values]
    exports = [t for name, values in timings.items() if name.startswith(EXPORTS) for t in values]
    return {
        "users": users, "seconds": round(seconds, 1),
        "pages": _figures(pages, seconds, sum(n for k, n in failures.items() if is_page(k))),
        "exports": _figures(exports, seconds, sum(n for k, n in failures.items() if k.startswith(EXPORTS))),
        "by_page": {name: _figures(values, seconds, failures.get(name, 0)) for name, values in sorted(timings.items())},
    }


def _figures(values: list[float], seconds: float, failed: int) -> dict[str, float]:
    if not values:
        return {"requests": 0, "failures": failed}
    ordered = sorted(values)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)

    return {"requests": len(values), "failures": failed, "per_second": round(len(values) / seconds, 1),
            "p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": round(ordered[-1], 1),
            "mean": round(statistics.fmean(values), 1)}


def summary_line(level: dict[str, Any]) -> str:
    pages = level["pages"]
    return (f"{level['users']:>4} users: pages {pages.get('per_second', 0)}/s p50 {pages.get('p50')} "
            f"p95 {pages.get('p95')} p99 {pages.get('p99')} ms, {pages['failures']} failed")


def markdown(results: dict[str, Any]) -> str:
    lines = [f"### {results['label']} ({results['cores']} cores, think time {results['think'][0]}–"
             f"{results['think'][1]} s, {results['duration']} s a level)", "",
             "| users | pages/s | p50 ms | p95 ms | p99 ms | failed | exports/s | export p50 | export p99 |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for level in results["levels"]:
        p, e = level["pages"], level["exports"]
        lines.append(f"| {level['users']} | {p.get('per_second', 0)} | {p.get('p50')} | {p.get('p95')} | "
                     f"{p.get('p99')} | {p['failures']} | {e.get('per_second', 0)} | {e.get('p50')} | {e.get('p99')} |")
    lines += ["", "| page | " + " | ".join(f"{lv['users']} users p50 / p99" for lv in results["levels"]) + " |",
              "|---|" + "---:|" * len(results["levels"])]
    names = sorted({name for level in results["levels"] for name in level["by_page"]})
    for name in names:
        cells = []
        for level in results["levels"]:
            page = level["by_page"].get(name, {})
            cells.append(f"{page.get('p50', '–')} / {page.get('p99', '–')}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
