"""Benchmark of `reportgen build`: a cold build of both languages, and a build from a million samples.

    .venv/bin/python bench/bench_report.py                # both measurements
    .venv/bin/python bench/bench_report.py --samples 2e6  # a bigger synthetic dataset

Each build runs as a fresh process (`python -m reportgen build ...`: imports,
vl-convert's engine and font loading included, as a user would see it); wall
time and the child's peak RSS (from wait4) are printed beside the budgets of
issue 3: cold build of the golden dataset <= 10 s; 1,000,000 samples <= 60 s
and <= 2 GiB. The golden dataset is datasets/golden/reference (newest
version); while it does not exist, a synthetic stand-in of the same shape
(20 runs x 3 platforms) is used and the output says so. Exit status 1 when a
budget is exceeded. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from report_fixtures import PHASES, make_startup_dataset  # noqa: E402

from collector.dataset import DatasetError, resolve  # noqa: E402

COLD_BUDGET_S = 10.0
BIG_BUDGET_S = 60.0
BIG_BUDGET_RSS = 2 * 2**30


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss: int
    """Bytes."""


def timed_build(dataset: Path, out: Path) -> Run:
    """Run one build in a fresh interpreter; its wall time and peak resident memory."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("SOURCE_DATE_EPOCH", None)
    start = time.perf_counter()
    proc = subprocess.Popen(
        # issue 3's budget covers the report and handout; slides and site are bench_full_build.py's
        [sys.executable, "-m", "reportgen", "build", str(dataset), "--out", str(out), "--lang", "ko,en",
         "--no-slides", "--no-site"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({proc.returncode}): {stderr.strip()}")
    return Run(seconds, usage.ru_maxrss * 1024)


def golden() -> tuple[Path | None, str]:
    root = Path(os.environ.get("VMCBENCH_DATASETS", ROOT / "datasets")) / "golden" / "reference"
    try:
        return Path(resolve(root).path), "golden"
    except DatasetError:
        return None, "synthetic stand-in (golden dataset not collected yet)"


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER BUDGET"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=float, default=1e6, help="rows in the big synthetic dataset (default 1e6)")
    parser.add_argument("--skip-big", action="store_true", help="only the cold build")
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp_name:
        tmp = Path(tmp_name)

        dataset, kind = golden()
        if dataset is None:
            dataset = make_startup_dataset(tmp / "stand-in", n=20, failures=1)
        cold = timed_build(dataset, tmp / "site-cold")
        ok = cold.seconds <= COLD_BUDGET_S
        failed |= not ok
        print(f"cold build, ko+en, HTML+PDF, {kind}:")
        print(f"  wall {cold.seconds:6.2f} s (budget {COLD_BUDGET_S:.0f} s)  peak RSS {cold.peak_rss / 2**20:7.0f} MiB  {verdict(ok)}")

        if not args.skip_big:
            rows_per_run = sum(1 + len(phases) for phases in PHASES.values())
            n = int(-(-args.samples // rows_per_run))
            start = time.perf_counter()
            big = make_startup_dataset(tmp / "big", n=n, warmup=2)
            made = time.perf_counter() - start
            rows = n * rows_per_run + 2 * rows_per_run
            size = (big / "samples.parquet").stat().st_size
            print(f"synthetic dataset: {rows:,} samples, {size / 2**20:.1f} MiB Parquet, written in {made:.1f} s (not timed below)")
            run = timed_build(big, tmp / "site-big")
            ok = run.seconds <= BIG_BUDGET_S and run.peak_rss <= BIG_BUDGET_RSS
            failed |= not ok
            print(f"build from {rows:,} samples, ko+en, HTML+PDF:")
            print(
                f"  wall {run.seconds:6.2f} s (budget {BIG_BUDGET_S:.0f} s)  peak RSS {run.peak_rss / 2**20:7.0f} MiB "
                f"(budget {BIG_BUDGET_RSS / 2**20:.0f} MiB)  {verdict(ok)}"
            )
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
