"""Independent checks of the handout's figures (issue 11, item 6), outside the project's own statistics.

    .venv/bin/python bench/independent_check.py --dataset datasets/golden/reference --build build/site
    .venv/bin/python bench/independent_check.py --dataset D --build B --hyperfine   # also re-time starts now
    .venv/bin/python bench/independent_check.py --dataset D --build B --memory      # also read PSS from smaps_rollup

Each check prints one line, `ok` or `MISMATCH`, with both figures:
- handout: C3's start-time medians, C4's exact image bytes, C1's platform and
  engine memory and C11's scale-out and recovery medians, recomputed from
  samples.parquet with plain pandas (not collector.dataset.statistics), must
  be written in the English handout's text (pdftotext);
- image sizes: each container platform's image bytes against `docker image
  inspect` of the image id in the manifest; each file of the process and VM
  images against its length and `du` on disk (when the files are still here);
- --hyperfine: fresh `collector run --suite startup` runs of the bare process, then
  of the container (each platform alone), taking turns with hyperfine timing the same program the same
  way (`busybox sh -c 'echo READY'` and `docker run -d` of the same image), eight rounds of ten each, the
  pooled medians within 15 %;
- --memory: the same workload started by hand as a bare process and as a
  container of the manifest's image, left to settle, its process tree's PSS
  read from `/proc/<pid>/smaps_rollup` with plain code (not collector.probes),
  against the dataset's C1 application memory of that platform, within 15 %.
Exit status 1 on any mismatch. Not a test: the image and file checks need the
host that collected the dataset, and the hyperfine check needs its engines.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
TOLERANCE = 0.15


def newest(dataset: Path) -> Path:
    """The folder of the newest committed version (`vN` with a manifest), or `dataset` itself when it is one."""
    if (dataset / "manifest.json").is_file():
        return dataset
    versions = sorted((p for p in dataset.glob("v*") if (p / "manifest.json").is_file()), key=lambda p: int(p.name[1:]))
    return versions[-1]


def samples(version: Path) -> pd.DataFrame:
    frame = pq.read_table(version / "samples.parquet").to_pandas()
    return frame[frame["ok"] & ~frame["warmup"]]


def seconds_en(value: float) -> str:
    """How the English handout writes one duration: 3 significant digits, ms below a second."""
    number = value * 1000 if value < 1 else value
    digits = format(number, "#.3g").rstrip(".")  # 2.10, 1.10, 193: three significant digits, zeros kept
    return f"{digits} ms" if value < 1 else f"{digits} s"


def report(ok: bool, what: str) -> bool:
    print(f"{'ok      ' if ok else 'MISMATCH'} {what}")
    return ok


def check_handout(frame: pd.DataFrame, pdf: Path) -> bool:
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    good = True
    starts = frame[(frame["suite"] == "startup") & (frame["metric"] == "start_time")]
    for platform, values in starts.groupby("platform")["value"]:
        shown = seconds_en(float(values.median()))
        good &= report(shown in text, f"C3 {platform}: median {shown} (n={len(values)}) in {pdf.name}")
    sizes = frame[(frame["suite"] == "image") & (frame["metric"] == "image_apparent_bytes")]
    for (platform, phase), values in sizes.groupby(["platform", "phase"])["value"]:
        shown = f"{int(values.median()):,} B"
        good &= report(shown in text, f"C4 {platform} {phase}: {shown} in {pdf.name}")
    memory = frame[(frame["suite"] == "overhead") & (frame["metric"] == "memory_bytes")]
    for platform, part in (("vm", "platform"), ("container", "platform"), ("container", "engine")):
        values = memory[(memory["platform"] == platform) & (memory["phase"] == part)]["value"]
        if len(values):
            shown = mib_en(float(values.median()))
            good &= report(shown in text, f"C1 {platform} {part}: median {shown} (n={len(values)}) in {pdf.name}")
    recovery = frame[(frame["suite"] == "recovery") & frame["metric"].isin(["scale_out_s", "recover_s"])]
    for (platform, metric), values in recovery.groupby(["platform", "metric"])["value"]:
        if platform in ("process", "container", "vm"):  # the passage's platforms
            shown = seconds_en(float(values.median()))
            good &= report(shown in text, f"C11 {platform} {metric}: median {shown} (n={len(values)}) in {pdf.name}")
    return good


def mib_en(value: float) -> str:
    """How the English handout writes a memory size of a MiB or more: 3 significant digits."""
    return format(value / (1 << 20), "#.3g").rstrip(".") + " MiB"


def check_images(frame: pd.DataFrame, manifest: dict) -> bool:
    good = True
    for platform, facts in sorted(manifest.get("artifacts", {}).items()):
        image_id = facts.get("image_id") if isinstance(facts, dict) else None
        rows = frame[(frame["suite"] == "image") & (frame["platform"] == platform) & (frame["metric"] == "image_bytes")]
        if image_id and not rows.empty and platform in ("container", "crun", "gvisor"):  # Docker's image store
            out = subprocess.run(["docker", "image", "inspect", "--format", "{{.Size}}", image_id],
                                 capture_output=True, text=True)
            if out.returncode != 0:
                print(f"skipped  {platform}: image {image_id[:19]} is not on this host")
                continue
            ours, theirs = int(rows["value"].sum()), int(out.stdout.strip())
            good &= report(ours == theirs, f"{platform}: image bytes {ours:,} (dataset) vs {theirs:,} (docker image inspect)")
    files = frame[(frame["suite"] == "image") & frame["platform"].isin(["process", "vm", "microvm"])]
    for r in files.to_dict("records"):
        path = Path(json.loads(r["detail"]).get("path", ""))
        if not path.is_file():
            print(f"skipped  {r['platform']} {r['phase']} {r['metric']}: {path} is not on this host")
            continue
        if r["metric"] == "image_apparent_bytes":
            good &= report(int(r["value"]) == path.stat().st_size,
                           f"{r['platform']} {r['phase']}: {int(r['value']):,} B vs stat {path.stat().st_size:,} B ({path.name})")
        elif r["metric"] == "image_allocated_bytes":
            du = int(subprocess.run(["du", "-B1", str(path)], capture_output=True, text=True, check=True).stdout.split()[0])
            good &= report(int(r["value"]) == du, f"{r['platform']} {r['phase']}: {int(r['value']):,} B on disk vs du {du:,} B")
    return good


def hyperfine_times(command: list[str], prepare: str | None = None, runs: int = 20) -> list[float]:
    """Every run's wall time in seconds, as hyperfine measured it (no shell: -N, unless a prepare step needs one)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        argv = ["hyperfine", "--warmup", "2", "--runs", str(runs), "--export-json", out.name, "--style", "none"]
        argv += ["--prepare", prepare] if prepare else ["-N"]
        subprocess.run([*argv, " ".join(command)], check=True, capture_output=True)
        return [float(t) for t in json.loads(Path(out.name).read_text())["results"][0]["times"]]


def collector_start_times(platform: str, repeat: int = 20) -> tuple[list[float], dict]:
    """A fresh collector start-time run of one platform alone (another platform's runs interleaved would leave
    its engine busy while this one is timed): every start time and the version's manifest."""
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run([str(REPO / ".venv/bin/collector"), "run", "--suite", "startup", "--platform", platform,
                               "--repeat", str(repeat), "--warmup", "2", "--out", f"{tmp}/now"],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"collector run failed: {done.stderr.strip().splitlines()[-1:]}")
        version = newest(Path(tmp) / "now")
        frame = samples(version)
        manifest = json.loads((version / "manifest.json").read_text())
    return frame.loc[frame["metric"] == "start_time", "value"].astype(float).tolist(), manifest


def median(values: list[float]) -> float:
    return float(pd.Series(values).median())


def check_hyperfine(rounds: int = 8, per_round: int = 10) -> bool:
    """The collector and hyperfine take turns, `rounds` times per platform, and each side's samples are pooled:
    a sub-millisecond start drifts with what the machine did a minute ago, so one block each would compare
    two different minutes rather than two timers."""
    name = "vmcbench-hyperfine-check"
    bare_cmd = ["/bin/busybox", "sh", "-c", "'echo VMCBENCH-READY'"]
    good = True
    for platform in ("process", "container"):
        mine: list[float] = []
        theirs: list[float] = []
        for _ in range(rounds):
            try:
                times, manifest = collector_start_times(platform, per_round)
            except RuntimeError as exc:
                return report(False, str(exc))
            mine += times
            if platform == "process":
                theirs += hyperfine_times(bare_cmd, runs=per_round)
                continue
            image = manifest["artifacts"]["container"]["image"]
            theirs += hyperfine_times(["docker", "run", "-d", "--name", name, "--network", "none", "--label",
                                       "vmcbench.managed=1", image, "/bin/busybox", "sh", "-c",
                                       "'echo VMCBENCH-READY; exec /bin/busybox sleep 60'"],
                                      prepare=f"docker rm -f {name} >/dev/null 2>&1 || true", runs=per_round)
            subprocess.run(["docker", "rm", "-f", name], capture_output=True)
        ours, hf = median(mine), median(theirs)
        good &= report(abs(ours - hf) <= TOLERANCE * hf,
                       f"{platform}: collector median {seconds_en(ours)} (n={len(mine)}) vs hyperfine median "
                       f"{seconds_en(hf)} (n={len(theirs)}), {rounds} rounds in turn ({ours / hf:.2f}×; "
                       f"within {TOLERANCE:.0%}?)")
    return good


def smaps_pss(pid: int) -> int:
    """PSS in bytes of `pid` and all its descendants, summed from each one's /proc/<pid>/smaps_rollup."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1]) * 1024
        for task in Path(f"/proc/{p}").glob("task/*/children"):
            todo += [int(c) for c in task.read_text().split()]
    return total


def check_memory(frame: pd.DataFrame, manifest: dict, settle_s: float = 2.0) -> bool:
    """The dataset's C1 application memory of the bare process and the container against smaps_rollup now."""
    ours = frame[(frame["suite"] == "overhead") & (frame["metric"] == "memory_bytes") & (frame["phase"] == "app")]
    ours = ours.groupby("platform")["value"].median()
    script = "echo VMCBENCH-READY; exec /bin/busybox sleep 86400"
    theirs: dict[str, int] = {}
    bare = subprocess.Popen(["/bin/busybox", "sh", "-c", script], stdout=subprocess.DEVNULL)
    try:
        time.sleep(settle_s)
        theirs["process"] = smaps_pss(bare.pid)
    finally:
        bare.kill()
        bare.wait()
    image = manifest.get("artifacts", {}).get("container", {}).get("image")
    name = "vmcbench-memory-check"
    if image:
        subprocess.run(["docker", "run", "-d", "--name", name, "--network", "none", "--label", "vmcbench.managed=1",
                        image, "/bin/busybox", "sh", "-c", script], check=True, capture_output=True)
        try:
            time.sleep(settle_s)
            pid = int(subprocess.run(["docker", "inspect", "--format", "{{.State.Pid}}", name], check=True,
                                     capture_output=True, text=True).stdout)
            theirs["container"] = smaps_pss(pid)
        finally:
            subprocess.run(["docker", "rm", "-f", name], capture_output=True)
    good = True
    for platform, pss in theirs.items():
        if platform not in ours:
            print(f"skipped  {platform}: no C1 application memory in the dataset")
            continue
        mine = float(ours[platform])
        good &= report(abs(mine - pss) <= TOLERANCE * pss,
                       f"{platform}: C1 application memory {mine / 1024:,.0f} KiB (dataset) vs smaps_rollup PSS "
                       f"{pss / 1024:,.0f} KiB now ({mine / pss:.2f}×; within {TOLERANCE:.0%}?)")
    return good


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=REPO / "datasets/golden/reference")
    parser.add_argument("--build", type=Path, default=REPO / "build/site", help="the built site (reportgen build --out)")
    parser.add_argument("--hyperfine", action="store_true", help="also re-time the bare process and the container now")
    parser.add_argument("--memory", action="store_true", help="also read a fresh instance's PSS from smaps_rollup")
    args = parser.parse_args()
    version = newest(args.dataset)
    frame = samples(version)
    manifest = json.loads((version / "manifest.json").read_text())
    print(f"dataset {version} ({len(frame):,} ok samples, warm-up excluded)")
    good = check_handout(frame, args.build / "en" / "handout.pdf")
    good &= check_images(frame, manifest)
    if args.hyperfine:
        good &= check_hyperfine()
    if args.memory:
        good &= check_memory(frame, manifest)
    return 0 if good else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
