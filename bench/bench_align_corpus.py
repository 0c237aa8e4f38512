"""Corpus index speed and memory: 10, 100, 1,000 generated plans, every task's best counterparts (figures only).

    .venv/bin/python bench/bench_align_corpus.py --sizes 10,100,1000

Each size runs in a fresh process so its peak resident memory (ru_maxrss) is its own; the peak covers
the whole run, generated plans included. Generation (fazhi.perturb, from samples/plans) is timed apart
from indexing and searching. The quality line follows every reworded task (synonyms replaced, figures
moved) to its best match and asks whether that match is a copy of the same sample task; from 100 plans
up, verbatim copies of every sample task abound, so it is near 1 by construction (10 plans tell more).

Measured on the 2-core machine, quiet (workers 2): 1,000 plans, 94,584 tasks (32,321 distinct texts):
index 7.3 s, search 22.4 s, peak RSS 654 MB. With --distinct --min-df 2 (no text repeated): index 15.3 s,
search 157 s, peak RSS 1.3 GB. Another process on the machine easily doubles these.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import fazhi
from fazhi.align import TaskKey
from fazhi.align.corpus import CorpusIndex, Counterpart
from fazhi.model import Plan
from fazhi.perturb import Origin, perturbed_plans_with_origins


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100,1000", help="numbers of plans, comma-separated")
    parser.add_argument("--seeds", type=Path, default=Path("samples/plans"))
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--min-df", type=int, default=1)
    parser.add_argument("--max-features", type=int, default=None)
    parser.add_argument("--distinct", action="store_true",
                        help="tag every task with two rare characters so no two tasks print the same text "
                             "(the worst case for the index, which scores each distinct text once); with "
                             "--min-df 2 the tags weigh nothing")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)  # internal: one size, JSON out
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(run(args.one, args)))
        return
    print(f"workers {args.workers}, k {args.k}, min_df {args.min_df}, max_features {args.max_features}, "
          f"seed {args.seed}{', distinct texts' if args.distinct else ''}")
    header = (f"{'plans':>6} {'tasks':>7} {'texts':>7} {'n-grams':>8} {'generate':>9} {'index':>7} {'search':>7} "
              f"{'idx+srch':>8} {'peak RSS':>9}")
    print(header)
    rows = []
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        command = [sys.executable, __file__, "--one", str(size), "--seeds", str(args.seeds), "--seed", str(args.seed),
                   "--k", str(args.k), "--workers", str(args.workers), "--min-df", str(args.min_df)]
        if args.max_features is not None:
            command += ["--max-features", str(args.max_features)]
        if args.distinct:
            command.append("--distinct")
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        row = json.loads(out.strip().splitlines()[-1])
        rows.append(row)
        print(f"{row['plans']:>6} {row['tasks']:>7} {row['texts']:>7} {row['features']:>8} {row['generate']:>8.1f}s "
              f"{row['index']:>6.1f}s {row['search']:>6.1f}s {row['index'] + row['search']:>7.1f}s "
              f"{row['peak_mb']:>6.0f} MB", flush=True)
    print()
    for row in rows:
        print(f"{row['plans']:>5} plans: reworded tasks whose best match is a copy of their origin: "
              f"{row['reworded_best_is_origin']:.3f} (of {row['reworded']}); "
              f"same, best match in a plan from the same sample: {row['reworded_same_sample_is_origin']:.3f} "
              f"(of {row['reworded_with_same_sample_match']}); kept tasks: {row['kept_best_is_origin']:.3f}; "
              f"tasks with no match ≥ 0.25: {row['unmatched']:.3f}")
    for before, after in itertools.pairwise(rows):
        grow = after["tasks"] / before["tasks"]
        total = (after["index"] + after["search"]) / max(before["index"] + before["search"], 1e-9)
        print(f"{before['plans']} → {after['plans']} plans: tasks ×{grow:.1f}, index+search time ×{total:.1f}")


def run(size: int, args: argparse.Namespace) -> dict[str, object]:
    seeds = [fazhi.parse_file(p) for p in sorted(args.seeds.glob("*.txt"))]
    start = time.perf_counter()
    generated = list(perturbed_plans_with_origins(seeds, size, args.seed))
    if args.distinct:
        generated = _distinct(generated)
    generate = time.perf_counter() - start
    origins: dict[tuple[str, TaskKey], Origin] = {}
    samples_of: dict[str, set[int]] = {}
    for plan_id, _, found in generated:
        origins.update({(plan_id, key): origin for key, origin in found.items()})
        samples_of[plan_id] = {o.seed for o in found.values() if o.seed >= 0}
    start = time.perf_counter()
    index = CorpusIndex(((plan_id, plan) for plan_id, plan, _ in generated), min_df=args.min_df,
                        max_features=args.max_features)
    indexed = time.perf_counter() - start
    start = time.perf_counter()
    results = index.best_counterparts(args.k, workers=args.workers)
    searched = time.perf_counter() - start
    quality = _quality(results, origins, samples_of)
    return {"plans": size, "tasks": len(index), "texts": index.distinct_texts, "features": index.features,
            "generate": generate, "index": indexed, "search": searched,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **quality}


Generated = list[tuple[str, Plan, dict[TaskKey, Origin]]]


def _distinct(generated: Generated) -> Generated:
    """Every task's text starts with its own pair of CJK Extension A characters (6,592 of them)."""
    out = []
    number = 0
    for plan_id, plan, origins in generated:
        tasks = []
        for task in plan.tasks:
            tag = chr(0x3400 + number % 6592) + chr(0x3400 + number // 6592)
            tasks.append(replace(task, text=tag + task.text))  # before any responsibility clause
            number += 1
        out.append((plan_id, replace(plan, tasks=tuple(tasks)), origins))
    return out


def _quality(results: list[Counterpart], origins: dict[tuple[str, TaskKey], Origin],
             samples_of: dict[str, set[int]]) -> dict[str, object]:
    def origin(plan_id: str, key: TaskKey) -> tuple[int, TaskKey | None]:
        o = origins[(plan_id, key)]
        return o.seed, o.key

    counts = {"reworded": 0, "reworded_hit": 0, "same_sample": 0, "same_sample_hit": 0, "kept": 0, "kept_hit": 0,
              "unmatched": 0}
    for result in results:
        mine = origins[(result.task.plan_id, result.task.key)]
        if not result.matches:
            counts["unmatched"] += 1
        if mine.kind == "spliced":
            continue
        best = result.matches[0].task if result.matches else None
        hit = best is not None and origin(best.plan_id, best.key) == (mine.seed, mine.key)
        counts[mine.kind] += 1
        counts[f"{mine.kind}_hit"] += hit
        if mine.kind == "reworded":
            same = [m.task for m in result.matches if mine.seed in samples_of[m.task.plan_id]]
            if same:
                counts["same_sample"] += 1
                counts["same_sample_hit"] += origin(same[0].plan_id, same[0].key) == (mine.seed, mine.key)
    return {
        "reworded": counts["reworded"],
        "reworded_best_is_origin": counts["reworded_hit"] / max(counts["reworded"], 1),
        "reworded_with_same_sample_match": counts["same_sample"],
        "reworded_same_sample_is_origin": counts["same_sample_hit"] / max(counts["same_sample"], 1),
        "kept_best_is_origin": counts["kept_hit"] / max(counts["kept"], 1),
        "unmatched": counts["unmatched"] / max(len(results), 1),
    }


if __name__ == "__main__":
    main()
