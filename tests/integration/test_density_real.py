"""The density suite on the real engines: many instances at once within a memory budget."""

from __future__ import annotations

import json
import subprocess
import threading
from collections import defaultdict
from pathlib import Path

import pyarrow.compute as pc
import pytest

from collector.dataset import read_dataset

from .conftest import run_collector

pytestmark = pytest.mark.integration


class ConcurrencyWatch:
    """Polls, from outside the collector, how many of its instances run at once (pid files, labelled containers)."""

    def __init__(self, state: Path) -> None:
        self.state = state
        self.peak: dict[str, int] = defaultdict(int)
        self.containers: dict[str, int] = defaultdict(int)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._stop.wait(0.2):
            for kind in ("process", "vm"):
                self.peak[kind] = max(self.peak[kind], len(list(self.state.glob(f"*-{kind}-*.pid"))))
            out = subprocess.run(["docker", "ps", "--filter", "label=vmcbench.managed=1", "--format",
                                  '{{.Label "vmcbench.run"}}'], capture_output=True, text=True).stdout.split()
            per_run: dict[str, int] = defaultdict(int)
            for run in out:
                per_run[run] += 1
            for run, n in per_run.items():
                self.containers[run] = max(self.containers[run], n)

    def __enter__(self) -> "ConcurrencyWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def leftovers(run_id: str) -> list[str]:
    """This run's containers and QEMU processes still there (other tests' may run beside us)."""
    containers = subprocess.run(["docker", "ps", "-aq", "--filter", f"label=vmcbench.run={run_id}"],
                                capture_output=True, text=True, check=True).stdout.split()
    vms = subprocess.run(["pgrep", "-f", f"qemu-system-x86_64.*vmcbench-{run_id}-"], capture_output=True, text=True).stdout.split()
    return containers + vms


def _rows(table, platform: str, metric: str, phase: str | None = None) -> list[dict]:  # type: ignore[no-untyped-def]
    rows = [r for r in table.to_pylist() if r["platform"] == platform and r["metric"] == metric]
    return [r for r in rows if phase is None or r["phase"] == phase]


def test_density_busybox_all_platforms_run_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "ds"
    state = tmp_path / "state"
    state.mkdir()
    monkeypatch.setenv("VMCBENCH_STATE", str(state))
    with ConcurrencyWatch(state) as watch:
        done = run_collector("run", "--suite", "density", "--platform", "process,container,vm", "--repeat", "1",
                             "--warmup", "0", "--accel", "tcg", "--memory-budget", "512", "--max-instances", "4",
                             "--param", "settle=0.3", "--out", str(out), env={"VMCBENCH_STATE": str(state)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert run_collector("validate", str(out)).stdout.startswith("OK ")
    ds = read_dataset(out)
    t = ds.samples
    assert set(t.column("chart_id").to_pylist()) == {"C9"}
    assert all(t.column("ok").to_pylist()), t.filter(pc.invert(t.column("ok"))).column("error").to_pylist()
    run_id = ds.manifest["run"]["run_id"]
    counts = {}
    for platform in ("process", "container", "vm"):
        [ready] = _rows(t, platform, "instances_ready")
        n = int(ready["value"])
        counts[platform] = n
        facts = json.loads(ready["detail"])
        assert 1 <= n <= 4
        assert facts["alive_at_peak"] == n, facts
        assert len(_rows(t, platform, "start_time")) == n
        peak = _rows(t, platform, "instance_memory", "peak")
        assert sorted(r["instance"] for r in peak) == list(range(n))
        assert all(r["value"] > 0 for r in peak)
        assert all(r["value"] > 0 for r in _rows(t, platform, "instance_memory", "ready"))
        [fit] = _rows(t, platform, "host_fit_extrapolated")
        fit_facts = json.loads(fit["detail"])
        assert fit_facts["extrapolated"] is True and fit_facts["host_memory_bytes"] > 0 and fit["value"] > 0
        [budget] = _rows(t, platform, "budget_bytes")
        assert budget["value"] == 512 * 2**20
        if n < 4:
            assert facts["stop_reason"] == "budget"
    # the busybox processes and containers are tiny: only the cap stops them
    assert counts["process"] == 4 and counts["container"] == 4
    # a container's shim is recorded beside its cgroup memory; the VM's footprint says where it sits
    shim = json.loads(_rows(t, "container", "instance_memory", "peak")[0]["detail"])
    assert shim["shim_pss_bytes"] > 0 and shim["source"] == "cgroup memory"
    vm = json.loads(_rows(t, "vm", "instance_memory", "peak")[0]["detail"])
    assert vm["guest_ram_pss_bytes"] > 0
    # seen from outside: the instances really ran at the same time
    assert watch.peak["process"] == counts["process"]
    assert watch.peak["vm"] == counts["vm"]
    assert watch.containers[run_id] == counts["container"]
    order = json.loads(_rows(t, "process", "instances_ready")[0]["detail"])["platform_order"]
    assert order == ["process", "container", "vm"]
    assert not leftovers(run_id)


def test_density_failed_start_stops_and_is_recorded(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    done = run_collector("run", "--suite", "density", "--platform", "vm", "--repeat", "1", "--warmup", "0",
                         "--accel", "tcg", "--timeout", "0.3", "--max-instances", "3", "--out", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    ds = read_dataset(out)
    t = ds.samples
    [start] = _rows(t, "vm", "start_time")
    assert start["ok"] is False and "not ready within 0.3 s" in start["error"]
    [ready] = _rows(t, "vm", "instances_ready")
    assert ready["value"] == 0 and json.loads(ready["detail"])["stop_reason"] == "start_failed"
    [fit] = _rows(t, "vm", "host_fit_extrapolated")
    assert fit["ok"] is False and fit["value"] is None
    assert not leftovers(ds.manifest["run"]["run_id"])


@pytest.mark.slow
def test_density_tomcat_all_platforms(tmp_path: Path) -> None:
    """Tomcat 10 from Debian's packages on all three platforms (several minutes under TCG)."""
    out = tmp_path / "ds"
    done = run_collector("run", "--suite", "density", "--platform", "process,container,vm", "--workload", "tomcat",
                         "--repeat", "1", "--warmup", "0", "--accel", "tcg", "--memory-budget", "2048",
                         "--max-instances", "2", "--timeout", "300", "--out", str(out), timeout=1800)
    assert done.returncode == 0, done.stderr[-2000:]
    ds = read_dataset(out)
    t = ds.samples
    assert all(t.column("ok").to_pylist()), t.filter(pc.invert(t.column("ok"))).column("error").to_pylist()
    for platform in ("process", "container", "vm"):
        [ready] = _rows(t, platform, "instances_ready")
        assert ready["value"] == 2 and json.loads(ready["detail"])["alive_at_peak"] == 2
        assert all(r["value"] > 30 * 2**20 for r in _rows(t, platform, "instance_memory", "peak"))
    facts = ds.manifest["artifacts"]["vm"]
    assert facts["rootfs_packages"]["tomcat10"] != "missing" and facts["vm_memory_mib"] == 768
    assert ds.manifest["run"]["workload"] == "tomcat"
    assert not leftovers(ds.manifest["run"]["run_id"])
