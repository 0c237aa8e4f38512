"""Benchmark the reader and parser: throughput on the sample plans, a 10 MB document, CLI start-up.

    .venv/bin/python bench/bench_parse.py [--seeds DIR] [--quick]

Prints a small table, then one JSON line with every figure. It measures; it asserts nothing.

(a) throughput: each sample parsed in this process, warm (one run to warm up, then N runs),
    through ``fazhi.parse_text`` on the decoded text and through ``fazhi.parse_file``;
    the median seconds for the whole set and MB/s over the set's UTF-8 bytes.
(b) a ~10 MB document (the samples concatenated again and again),
    parsed with ``fazhi.parse_file`` in a child process: wall time and the child's peak RSS.
(c) CLI start-up: ``fazhi parse <small sample> --json > /dev/null``, median of 5 runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLI_SAMPLE = "004_4c3720f33ca48011.txt"
BIG_BYTES = 10 * 1024 * 1024
MB = 1024 * 1024


def _median_seconds(run, repetitions: int) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    run()  # warm-up: imports, rule compilation, caches
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def bench_throughput(seeds: list[Path], repetitions: int) -> dict[str, object]:
    import fazhi

    texts = [p.read_bytes().decode("utf-8") for p in seeds]
    total = sum(len(t.encode("utf-8")) for t in texts)
    tasks = sum(len(fazhi.parse_text(t).tasks) for t in texts)

    def via_text() -> None:
        for text in texts:
            fazhi.parse_text(text)

    def via_file() -> None:
        for path in seeds:
            fazhi.parse_file(path)

    text_median, text_times = _median_seconds(via_text, repetitions)
    file_median, file_times = _median_seconds(via_file, repetitions)
    return {
        "files": len(seeds),
        "bytes": total,
        "tasks": tasks,
        "repetitions": repetitions,
        "parse_text_s": round(text_median, 4),
        "parse_text_mb_s": round(total / MB / text_median, 3),
        "parse_text_runs_s": [round(t, 4) for t in text_times],
        "parse_file_s": round(file_median, 4),
        "parse_file_mb_s": round(total / MB / file_median, 3),
        "parse_file_runs_s": [round(t, 4) for t in file_times],
    }


def build_big_document(seeds: list[Path], size: int = BIG_BYTES) -> str:
    """The samples one after another, again and again, until ``size`` UTF-8 bytes.

    Each copy keeps its own numbering (1. 2. 3. … restart), as in a bound volume of plans:
    continuing the numbers across copies would soon print four-digit task numbers, which no
    plan has and the numbering rules rightly do not read as task numbers."""
    texts = [p.read_text(encoding="utf-8") for p in seeds]
    pieces: list[str] = []
    written = 0
    while written < size:
        for text in texts:
            pieces.append(text)
            written += len(text.encode("utf-8")) + 1
            if written >= size:
                break
    return "\n".join(pieces)


_CHILD = """
import json, sys, time
start = time.perf_counter()
import fazhi
imported = time.perf_counter()
plan = fazhi.parse_file(sys.argv[1])
done = time.perf_counter()
print(json.dumps({"import_s": imported - start, "parse_s": done - imported, "tasks": len(plan.tasks),
                  "headings": len(plan.headings), "unassigned": len(plan.unassigned),
                  "warnings": len(plan.warnings)}))
"""


def bench_big(seeds: list[Path], timeout: float) -> dict[str, object]:
    text = build_big_document(seeds)
    data = text.encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big_plan.txt"
        path.write_bytes(data)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        try:
            child = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True,
                                   text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return {"bytes": len(data), "error": f"timed out after {timeout:.0f} s"}
        wall = time.perf_counter() - start
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result: dict[str, object] = {
        "bytes": len(data),
        "wall_s": round(wall, 3),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "returncode": child.returncode,
    }
    if peak_kib <= before:
        result["note"] = "an earlier child had a larger peak; figure is an upper bound"
    if child.returncode == 0:
        report = json.loads(child.stdout.strip().splitlines()[-1])
        result.update({k: round(v, 3) if isinstance(v, float) else v for k, v in report.items()})
        result["mb_s"] = round(len(data) / MB / report["parse_s"], 3)
    else:
        result["stderr_tail"] = child.stderr.strip().splitlines()[-1:] if child.stderr else []
    return result


def bench_cli(sample: Path, runs: int) -> dict[str, object]:
    cli = REPO / ".venv" / "bin" / "fazhi"
    command = [str(cli) if cli.exists() else "fazhi", "parse", str(sample), "--json"]
    times = []
    code = 0
    for _ in range(runs):
        start = time.perf_counter()
        code = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                              timeout=120).returncode
        times.append(time.perf_counter() - start)
    return {"sample": sample.name, "runs": runs, "median_s": round(statistics.median(times), 3),
            "runs_s": [round(t, 3) for t in times], "returncode": code}


def _print_table(rows: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 30}")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=Path, default=REPO / ".." / "shared" / "seeds",
                        help="folder of sample plans (*.txt); default ../shared/seeds from the repo root")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (3 instead of 7; CLI 3 instead of 5)")
    parser.add_argument("--skip-big", action="store_true", help="leave out the 10 MB document")
    parser.add_argument("--big-timeout", type=float, default=900.0, help="seconds before the 10 MB child is killed")
    args = parser.parse_args(argv)

    seeds = sorted(args.seeds.resolve().glob("*.txt"))
    if not seeds:
        parser.error(f"no *.txt samples in {args.seeds}")
    repetitions, cli_runs = (3, 3) if args.quick else (7, 5)
    cli_sample = args.seeds.resolve() / CLI_SAMPLE
    if not cli_sample.exists():
        cli_sample = seeds[0]

    results: dict[str, object] = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "quick": args.quick,
    }
    throughput = bench_throughput(seeds, repetitions)
    results["throughput"] = throughput
    # The big child runs before the CLI children: RUSAGE_CHILDREN keeps the largest peak seen.
    big = None if args.skip_big else bench_big(seeds, args.big_timeout)
    results["big"] = big
    cli = bench_cli(cli_sample, cli_runs)
    results["cli"] = cli

    rows = [
        ("samples", f"{throughput['files']} files, {throughput['bytes']:,} bytes UTF-8, "
                    f"{throughput['tasks']} tasks"),
        (f"parse_text, whole set (median of {repetitions})",
         f"{throughput['parse_text_s']:.4f} s  = {throughput['parse_text_mb_s']:.3f} MB/s"),
        (f"parse_file, whole set (median of {repetitions})",
         f"{throughput['parse_file_s']:.4f} s  = {throughput['parse_file_mb_s']:.3f} MB/s"),
    ]
    if big is not None:
        if "error" in big:
            rows.append(("10 MB document", str(big["error"])))
        else:
            rows.append(("10 MB document, size", f"{big['bytes']:,} bytes"))
            rows.append(("10 MB document, child wall time", f"{big['wall_s']:.2f} s (exit {big['returncode']})"))
            if "parse_s" in big:
                rows.append(("10 MB document, parse_file time", f"{big['parse_s']:.2f} s = {big['mb_s']:.3f} MB/s, "
                                                               f"{big['tasks']} tasks"))
            rows.append(("10 MB document, child peak RSS", f"{big['peak_rss_mib']:.1f} MiB"))
    rows.append((f"CLI parse --json {cli['sample']} (median of {cli_runs})",
                 f"{cli['median_s']:.3f} s (exit {cli['returncode']})"))
    _print_table(rows)
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
