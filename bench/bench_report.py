"""Benchmark of `reportgen build`: a cold build of both languages, a build from a million samples, the scale curve.

    .venv/bin/python bench/bench_report.py                # the cold build, the big build and the curve
    .venv/bin/python bench/bench_report.py --samples 2e6  # a bigger synthetic dataset
    .venv/bin/python bench/bench_report.py --curve-only --curve 1e4,1e5,1e6,1e7

The curve (issue 15): full builds (reports, handouts, slides, site; ko+en;
--no-cache) from synthetic fleet datasets (bench/fleet_dataset.py: every
suite and chart of the golden dataset, replicated over 300 hosts) of 10^4 to
10^7 samples; wall time and peak memory of the whole process tree (the
build and its PDF workers, summed, sampled every 50 ms), and each step's
growth against the growth in samples (<= 1 is at most linear). Budget at
10^7: 60 s and 2 GiB.

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
import shutil
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

sys.path.insert(0, str(ROOT / "bench"))
from fleet_dataset import make_fleet_dataset  # noqa: E402

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
         "--no-slides", "--no-site", "--no-cache", "--no-progress"],
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


def tree_build(dataset: Path, out: Path) -> Run:
    """A full build (everything, --no-cache) in a fresh interpreter; wall time and the peak RSS summed over its tree."""
    import psutil

    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("SOURCE_DATE_EPOCH", None)
    argv = [sys.executable, "-m", "reportgen", "build", str(dataset), "--out", str(out), "--no-cache", "--no-progress"]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    parent = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            peak = max(peak, sum(p.memory_info().rss for p in [parent, *parent.children(recursive=True)]))
        except psutil.Error:
            pass
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({proc.returncode}): {proc.stderr.read().decode().strip()[-2000:]}")
    return Run(seconds, peak)


def curve(sizes: list[int], tmp: Path) -> bool:
    """Print the scale curve; True when 10^7 (if measured) is within budget and growth is at most linear."""
    print("scale curve: full build (everything, ko+en, --no-cache) from fleet datasets (golden's shape x 300 hosts)")
    print(f"  {'samples':>12} {'wall s':>8} {'peak MiB':>9} {'time growth / sample growth':>28} {'memory growth / sample growth':>30}")
    ok, previous = True, None
    for n in sizes:
        dataset = make_fleet_dataset(tmp / f"fleet-{n}", n)
        run = tree_build(dataset, tmp / f"site-{n}")
        growth = ""
        if previous is not None:
            factor = n / previous[0]
            t_ratio, m_ratio = run.seconds / previous[1].seconds / factor, run.peak_rss / previous[1].peak_rss / factor
            ok &= t_ratio <= 1.0 and m_ratio <= 1.0
            growth = f"{t_ratio:28.2f} {m_ratio:30.2f}"
        print(f"  {n:>12,} {run.seconds:8.2f} {run.peak_rss / 2**20:9.0f} {growth}", flush=True)
        if n >= 10_000_000:
            ok &= run.seconds <= BIG_BUDGET_S and run.peak_rss <= BIG_BUDGET_RSS
            print(f"  10^7 budget: {BIG_BUDGET_S:.0f} s, {BIG_BUDGET_RSS / 2**20:.0f} MiB: "
                  f"{verdict(run.seconds <= BIG_BUDGET_S and run.peak_rss <= BIG_BUDGET_RSS)}")
        previous = (n, run)
        shutil.rmtree(tmp / f"fleet-{n}", ignore_errors=True)
        shutil.rmtree(tmp / f"site-{n}", ignore_errors=True)
    print(f"  growth at most linear: {verdict(ok)}  (load average {os.getloadavg()[0]:.2f})")
    return ok


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
    parser.add_argument("--skip-big", action="store_true", help="no million-sample startup build")
    parser.add_argument("--curve", default="1e4,1e5,1e6,1e7", help="sample counts of the scale curve (comma-separated)")
    parser.add_argument("--curve-only", action="store_true", help="only the scale curve")
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp_name:
        tmp = Path(tmp_name)

        if args.curve_only:
            return 0 if curve([int(float(x)) for x in args.curve.split(",") if x], tmp) else 1
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
        if args.curve:
            failed |= not curve([int(float(x)) for x in args.curve.split(",") if x], tmp)
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.2f}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
