"""The performance suite's rows from fake instances that print saved driver outputs (no engine needed)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from collector.context import RunContext
from collector.dataset import metrics_of
from collector.platforms import Instance, Platform, StartFailed
from collector.platforms.linewatch import LineWatch
from collector.run.runner import RunOptions
from collector.suites import performance, roles
from collector.suites.base import Session
from collector.suites.records import SampleLog
from collector.workloads.base import VmSpec

FIX = Path(__file__).with_name("fixtures") / "perf"


class FakePlatform(Platform):
    """Prints a saved driver output (or fails to start) instead of running anything."""

    phases = ("ready",)

    def __init__(self, name: str, text: str | None, accelerator: str = "none") -> None:
        super().__init__(RunContext("test"))
        self.name, self.text, self._accel, self.starts = name, text, accelerator, 0  # type: ignore[misc]

    @property
    def accelerator(self) -> str:
        return self._accel

    def prepare(self, workload: Any) -> dict[str, Any]:
        return {"fio_scratch": f"{self.name} scratch"}

    def start(self, workload: Any, index: int) -> Instance:
        self.starts += 1
        if self.text is None:
            raise StartFailed("fake: no engine")
        inst = Instance(self.name, index, {"watch": LineWatch(iter([self.text.encode()]))}, time.monotonic())
        inst.mark("ready")
        return inst

    def stop(self, instance: Instance) -> None:
        pass


def run_suite(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, platforms: dict[str, FakePlatform],
              params: dict[str, str] | None = None, repeat: int = 1, warmup: int = 0) -> Session:
    monkeypatch.setenv("VMCBENCH_CACHE", str(tmp_path))
    monkeypatch.setattr(roles, "open_role", lambda session, name, wl: (platforms[name], platforms[name].prepare(wl)))
    options = RunOptions(suites=["performance"], platforms=list(platforms), params=params or {})
    session = Session(RunContext("test"), dict(platforms), None, SampleLog("run", "host"), repeat, warmup,  # type: ignore[arg-type]
                      options=options)
    performance.PerformanceSuite().run(session)
    return session


def test_every_catalogued_metric_is_a_row_per_platform_and_the_settings_reach_the_manifest(monkeypatch, tmp_path) -> None:
    plats = {"process": FakePlatform("process", (FIX / "full-process.txt").read_text()),
             "vm": FakePlatform("vm", (FIX / "full-vm.txt").read_text(), "tcg")}
    session = run_suite(monkeypatch, tmp_path, plats, {"perf_profile": "ci", "perf_t": "3"}, repeat=2, warmup=1)
    rows = session.log.rows
    names = {m.name for m in metrics_of("performance")}
    for platform in plats:
        mine = [r for r in rows if r["platform"] == platform and not r["warmup"]]
        assert {r["metric"] for r in mine} == names
        assert all(r["ok"] and r["chart_id"] == "C12" for r in mine)
    assert {r["accelerator"] for r in rows if r["platform"] == "vm"} == {"tcg"}
    assert sum(r["warmup"] for r in rows) == len(rows) // 3
    assert session.facts["settings"]["t"] == "3" and session.facts["profile"] == "ci"
    assert '"fio_scratch": "vm scratch"' in next(r["detail"] for r in rows if r["platform"] == "vm")


def test_a_failed_start_and_a_cut_off_run_are_ok_false_rows_with_the_reason(monkeypatch, tmp_path) -> None:
    cut = (FIX / "full-container.txt").read_text().split("VMCB-BEGIN bench=net_tcp")[0]
    plats = {"process": FakePlatform("process", None), "container": FakePlatform("container", cut)}
    rows = run_suite(monkeypatch, tmp_path, plats, {"perf_profile": "ci"}).log.rows
    failed = [r for r in rows if r["platform"] == "process"]
    assert failed and all(not r["ok"] and "fake: no engine" in r["error"] for r in failed)
    container = {r["metric"]: r for r in rows if r["platform"] == "container"}
    assert container["cpu_single_events_per_s"]["ok"]
    assert not container["net_tcp_bandwidth"]["ok"] and "not run" in container["net_tcp_bandwidth"]["error"]
    # the instance's output ended (it exited): said so, with its last line, rather than a deadline it never met
    assert "output ended before VMCB-DONE (last: " in container["net_tcp_bandwidth"]["error"]
    assert not container["redis_get_rps"]["ok"] and not container["run_time"]["ok"]


def test_profiles_and_overrides() -> None:
    session = Session(RunContext("t"), {}, None, SampleLog("r", "h"), 1, 0,  # type: ignore[arg-type]
                      options=RunOptions(suites=[], platforms=[], params={"perf_fio_size": "32M"}))
    assert performance.settings_of(session)["t"] == performance.PROFILES["standard"]["t"]
    assert performance.settings_of(session)["fio_size"] == "32M"
    session.options.params["perf_profile"] = "nope"
    with pytest.raises(ValueError, match="perf_profile"):
        performance.settings_of(session)


def test_the_vm_scratch_disk_is_opened_with_cache_none_and_the_root_disk_stays_unsafe(tmp_path) -> None:
    from collector.platforms.vm import VmPlatform

    plat = VmPlatform(RunContext("t", accel="tcg"))
    plat.kernel = type("K", (), {"vmlinuz": tmp_path / "vmlinuz"})()  # type: ignore[assignment]
    plat.spec = VmSpec(tmp_path / "i", {}, disks=(tmp_path / "root", tmp_path / "scratch"), disk_cache=("unsafe", "none"))
    argv = " ".join(plat.argv("tcg", 0, tmp_path / "pid"))
    assert f"file={tmp_path / 'root'},format=raw,if=virtio,cache=unsafe" in argv
    assert f"file={tmp_path / 'scratch'},format=raw,if=virtio,cache=none" in argv
    plat.spec = VmSpec(tmp_path / "i", {}, disks=(tmp_path / "root",), disk_cache=("bogus",))
    with pytest.raises(ValueError, match="cache mode"):
        plat.argv("tcg", 0, tmp_path / "pid")
    plat.close()


def test_gvisor_and_tcg_runs_get_a_deadline_for_their_slowdown() -> None:
    settings = performance.PROFILES["standard"]
    bare = performance.estimated_run_s(settings, FakePlatform("container", ""))
    gvisor = performance.estimated_run_s(settings, FakePlatform("gvisor", ""))
    vm = performance.estimated_run_s(settings, FakePlatform("vm", "", accelerator="tcg"))
    # golden v3: gVisor's warm-up run took 191 s beside the container's 51 s, and 240 s cut the others off
    assert performance.DEADLINE_FACTOR * gvisor > 3 * 240
    assert gvisor > 3 * bare and vm > bare


def test_the_vm_scratch_disk_holds_fio_s_file_twice_over() -> None:
    from collector.workloads.perf import SCRATCH_DISK_MIB, scratch_disk_mib, size_kib

    assert size_kib("96M") == 96 * 1024 and size_kib("1g") == 1024 * 1024 and size_kib("2048") == 2
    assert scratch_disk_mib("96M") == SCRATCH_DISK_MIB and scratch_disk_mib(None) == SCRATCH_DISK_MIB
    assert scratch_disk_mib("1G") == 2 * 1024 + 64
    with pytest.raises(ValueError, match="not a size"):
        size_kib("lots")


def test_a_container_that_ended_before_ready_says_how() -> None:
    from collector.platforms.container import exit_state

    class Ended:
        attrs = {"State": {"ExitCode": 137, "OOMKilled": True, "Error": ""}}

        def reload(self) -> None:
            pass

    class Gone:
        def reload(self) -> None:
            raise RuntimeError("removed")

    assert exit_state(Ended()) == "exit code 137, killed by the OOM killer"
    assert exit_state(Gone()) == "state unknown: RuntimeError"
