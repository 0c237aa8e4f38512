"""Alignment speed: two plans of about 150 tasks, median of warm runs (figures, never assertions).

    .venv/bin/python bench/bench_align.py --seeds samples/plans
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import fazhi
from fazhi.align import align


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=Path, default=Path("samples/plans"))
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    plans = {p.name[:3]: fazhi.parse_file(p) for p in sorted(args.seeds.glob("*.txt"))}
    align(plans["004"], plans["001"])  # warm: imports and vocabulary
    for child, parent in [("003", "003"), ("000", "003"), ("001", "000")]:
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            result = align(plans[child], plans[parent])
            times.append(time.perf_counter() - start)
        print(f"{child} ({len(plans[child].tasks)} tasks) ↔ {parent} ({len(plans[parent].tasks)} tasks): "
              f"median {statistics.median(times) * 1000:.0f} ms, {len(result.pairs)} pairs")


if __name__ == "__main__":
    main()
