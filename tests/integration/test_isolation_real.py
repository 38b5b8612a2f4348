"""The isolation suite (C10) on the real engines: victim alone and beside a hog, per platform."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from collector.dataset import read_dataset

from .conftest import run_collector

pytestmark = pytest.mark.integration

ITERATIONS = 20
SERVER_MIB = 1024
CAP_MIB = 256


def _left_over(run_id: str) -> list[str]:
    docker = subprocess.run(["docker", "ps", "-aq", "--filter", f"label=vmcbench.run={run_id}"],
                            capture_output=True, text=True, check=True).stdout.split()
    qemu = subprocess.run(["pgrep", "-f", f"qemu-system-x86_64.*vmcbench-{run_id}"], capture_output=True, text=True).stdout.split()
    return docker + qemu


def test_isolation_victim_alone_and_beside_hogs_on_every_platform(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    done = run_collector("run", "--suite", "isolation", "--platform", "process,container,vm", "--repeat", "1",
                         "--warmup", "0", "--accel", "tcg", "--param", f"iterations={ITERATIONS}", "--param", "work=5000",
                         "--param", f"server_mem_mib={SERVER_MIB}", "--param", f"cap_mem_mib={CAP_MIB}",
                         "--param", "settle_s=0.5", "--out", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    ds = read_dataset(out)
    rows = ds.samples.to_pylist()
    assert all(r["ok"] for r in rows), [r["error"] for r in rows if not r["ok"]]
    assert {r["chart_id"] for r in rows} == {"C10"}
    assert ds.manifest["host"]["sched_autogroup_enabled"] in (0, 1, None)
    assert ds.manifest["host"]["cgroup_setup"]["version"] in (1, 2)

    latency = [r for r in rows if r["metric"] == "victim_latency"]
    for platform in ("process", "container", "vm"):
        phases = ("alone", "beside_hog", "beside_memory_hog") + (("beside_hog_fair",) if platform == "process" else ())
        for phase in phases:
            values = [r["value"] for r in latency if r["platform"] == platform and r["phase"] == phase]
            assert len(values) == ITERATIONS, (platform, phase)  # one raw row per iteration
            assert all(v > 0 for v in values)
    sharing = {(r["platform"], r["phase"]): json.loads(r["detail"])["sharing"] for r in latency}
    assert sharing[("process", "beside_hog")] == "none" and sharing[("process", "beside_hog_fair")] == "fair_share"
    assert sharing[("container", "beside_hog")] == "caps"

    container = json.loads(next(r["detail"] for r in latency if r["platform"] == "container" and r["phase"] == "beside_hog"))
    assert container["victim_limits"] == {"nano_cpus": 1_000_000_000, "mem_limit": f"{CAP_MIB}m"}
    assert container["server"]["memory_limit_bytes"] == SERVER_MIB << 20

    # beside the memory hog: the shared budget kills the bare victim's working set; caps keep the others'
    killed = {r["platform"]: r["value"] for r in rows if r["metric"] == "victim_killed"}
    assert killed == {"process": 1, "container": 0, "vm": 0}
    peak = {r["platform"]: r["value"] for r in rows if r["metric"] == "server_memory_peak_bytes"}
    assert peak["process"] > 0.9 * (SERVER_MIB << 20)
    held = {r["platform"]: r["value"] for r in rows if r["metric"] == "hog_memory_bytes" and r["phase"] == "beside_memory_hog"}
    assert 0 < held["container"] <= CAP_MIB << 20
    assert not _left_over(ds.manifest["run"]["run_id"])
    assert not list(Path("/sys/fs/cgroup/memory").glob(f"vmcbench-{ds.manifest['run']['run_id']}*"))
