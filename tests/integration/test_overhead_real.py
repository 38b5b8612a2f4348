"""The overhead suite (C1) on the real engines: app vs platform vs spare, per platform."""

from __future__ import annotations

import json
import statistics
import subprocess
from pathlib import Path

import pytest

from collector.dataset import read_dataset

from .conftest import run_collector

pytestmark = pytest.mark.integration


def _values(rows: list[dict], platform: str, metric: str, phase: str) -> list[float]:
    return [r["value"] for r in rows if r["platform"] == platform and r["metric"] == metric and r["phase"] == phase]


def _left_behind(run_id: str) -> list[str]:
    containers = subprocess.run(["docker", "ps", "-aq", "--filter", f"label=vmcbench.run={run_id}"],
                                capture_output=True, text=True, check=True).stdout.split()
    qemus = subprocess.run(["pgrep", "-f", f"vmcbench-{run_id}"], capture_output=True, text=True).stdout.split()
    return containers + qemus


def test_overhead_all_platforms_busybox(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    done = run_collector("run", "--suite", "overhead", "--platform", "process,container,vm", "--accel", "tcg",
                         "--param", "overhead_settle_s=1", "--param", "overhead_samples=3", "--out", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    assert run_collector("validate", str(out)).stdout.startswith("OK")
    ds = read_dataset(out)
    rows = ds.samples.to_pylist()
    assert all(r["ok"] for r in rows), [r["error"] for r in rows if not r["ok"]]
    assert {r["chart_id"] for r in rows} == {"C1"}
    host_total = ds.manifest["host"]["memory_bytes"]

    platform = {p: statistics.median(_values(rows, p, "memory_bytes", "platform")) for p in ("process", "container", "vm")}
    assert platform["vm"] > platform["container"] > 0 == platform["process"]
    for p in ("process", "container", "vm"):
        apps = _values(rows, p, "memory_bytes", "app")
        assert len(apps) == 3 and all(0 < a < 64 << 20 for a in apps), (p, apps)  # a sleeping busybox
        for tick in range(3):
            tick_rows = [r for r in rows if r["platform"] == p and r["repetition"] == tick]
            mem = {r["phase"]: r["value"] for r in tick_rows if r["metric"] == "memory_bytes"}
            total = next(r["value"] for r in tick_rows if r["metric"] == "host_memory_bytes" and r["phase"] == "total")
            assert abs(total - host_total) < 64 << 20
            assert sum(mem.values()) == pytest.approx(total, abs=1)  # app + platform (+ engine) + spare = host
            cpu = {r["phase"]: r["value"] for r in tick_rows if r["metric"] == "cpu_seconds"}
            (window,) = [r["value"] for r in tick_rows if r["metric"] == "window_s"]
            assert 0.9 < window < 3
            cores = json.loads(next(r["detail"] for r in tick_rows if r["metric"] == "window_s"))["host_cores"]
            assert sum(cpu.values()) == pytest.approx(cores * window, rel=0.01)
    # the engine is its own component, for the container only; the VM's app comes from inside the guest
    engine = _values(rows, "container", "memory_bytes", "engine")
    assert engine and all(e > platform["container"] for e in engine)
    assert not _values(rows, "vm", "memory_bytes", "engine")
    vm_app = next(json.loads(r["detail"]) for r in rows if r["platform"] == "vm" and r["phase"] == "app")
    assert vm_app["source"].startswith("guest reporter") and vm_app["guest_procs"] >= 1
    vm_platform = next(json.loads(r["detail"]) for r in rows if r["platform"] == "vm" and r["metric"] == "memory_bytes"
                       and r["phase"] == "platform")
    assert vm_platform["qemu_pss_by_mapping"]["guest_ram"] > 0
    assert {r["accelerator"] for r in rows if r["platform"] == "vm"} == {"tcg"}
    assert _left_behind(ds.manifest["run"]["run_id"]) == []


def test_overhead_vm_without_guest_probe_uses_the_bare_process_as_stand_in(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    done = run_collector("run", "--suite", "overhead", "--platform", "process,vm", "--accel", "tcg",
                         "--param", "overhead_settle_s=0.5", "--param", "overhead_samples=1",
                         "--param", "overhead_guest_probe=0", "--out", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    rows = read_dataset(out).samples.to_pylist()
    (app,) = [r for r in rows if r["platform"] == "vm" and r["metric"] == "memory_bytes" and r["phase"] == "app"]
    assert app["ok"] and json.loads(app["detail"])["source"].startswith("stand-in")
    assert app["value"] == _values(rows, "process", "memory_bytes", "app")[0]


@pytest.mark.slow
def test_overhead_tomcat(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    done = run_collector("run", "--suite", "overhead", "--workload", "tomcat", "--platform", "process,container,vm",
                         "--accel", "tcg", "--timeout", "600", "--param", "overhead_settle_s=5", "--out", str(out),
                         timeout=3600)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = read_dataset(out).samples.to_pylist()
    assert all(r["ok"] for r in rows), [r["error"] for r in rows if not r["ok"]]
    apps = {p: statistics.median(_values(rows, p, "memory_bytes", "app")) for p in ("process", "container", "vm")}
    assert all(a > 30 << 20 for a in apps.values()), apps  # a JVM, on every platform
    platform = {p: statistics.median(_values(rows, p, "memory_bytes", "platform")) for p in ("process", "container", "vm")}
    assert platform["vm"] > platform["container"] > 0 == platform["process"]
