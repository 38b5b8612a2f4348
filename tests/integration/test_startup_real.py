"""The startup suite on the real engines: process, Docker container, QEMU VM."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import pyarrow.compute as pc
import pytest

from collector.dataset import read_dataset, median_ci

from .conftest import COLLECTOR, committed, labelled_containers, own_pidfiles, qemu_processes, run_collector, wait_until

pytestmark = pytest.mark.integration


def test_startup_all_platforms_orders_process_container_vm(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    done = run_collector("run", "--suite", "startup", "--platform", "process,container,vm", "--repeat", "5",
                         "--warmup", "1", "--accel", "auto", "--kvm-probe-timeout", "5", "--out", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("ds/v1")
    assert run_collector("validate", str(out)).stdout.startswith("OK ds@v1")

    ds = read_dataset(out)
    t = ds.samples
    measured = t.filter(pc.and_(pc.equal(t.column("metric"), "start_time"), pc.invert(t.column("warmup"))))
    medians = {}
    for platform in ("process", "container", "vm"):
        rows = measured.filter(pc.equal(measured.column("platform"), platform))
        assert rows.num_rows == 5
        assert all(rows.column("ok").to_pylist()), rows.column("error").to_pylist()
        medians[platform] = median_ci(rows.column("value").to_numpy()).median
    assert medians["process"] < medians["container"] < medians["vm"], medians

    # the accelerator that ran is in every VM sample and in the manifest; auto fell back here
    accel = set(t.filter(pc.equal(t.column("platform"), "vm")).column("accelerator").to_pylist())
    assert accel == {ds.manifest["host"]["accelerator"]}
    assert accel <= {"kvm", "tcg"}
    if accel == {"tcg"}:
        assert "KVM not usable" in ds.manifest["notes"]["kvm"]
    # warm-ups are kept and marked; phases for the boot chain are present in order
    assert t.filter(t.column("warmup")).num_rows > 0
    vm_phases = t.filter(pc.and_(pc.equal(t.column("platform"), "vm"), pc.equal(t.column("repetition"), 1)))
    phases = vm_phases.filter(pc.equal(vm_phases.column("metric"), "phase_end"))
    names = phases.column("phase").to_pylist()
    assert names == ["qemu_up", "kernel_started", "init_started", "ready"]
    ends = phases.column("value").to_pylist()
    assert ends == sorted(ends)
    # interleaved: repetitions rotate which platform goes first
    firsts = {r: None for r in range(6)}
    for row in t.filter(pc.equal(t.column("metric"), "start_time")).to_pylist():
        firsts[row["repetition"]] = firsts[row["repetition"]] or row["platform"]
    assert len(set(firsts.values())) == 3
    assert not labelled_containers() and not qemu_processes()


def test_vm_never_ready_is_killed_and_recorded_failed(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    done = run_collector("run", "--platform", "vm", "--repeat", "2", "--warmup", "0", "--accel", "tcg",
                         "--timeout", "0.3", "--out", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    t = read_dataset(out).samples
    assert t.num_rows == 2
    assert t.column("ok").to_pylist() == [False, False]
    assert all("not ready within 0.3 s" in e for e in t.column("error").to_pylist())
    assert not qemu_processes()


def test_no_docker_daemon_one_line_and_others_measured(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    done = run_collector("run", "--platform", "process,container", "--repeat", "2", "--out", str(out),
                         env={"DOCKER_HOST": f"unix://{tmp_path}/no-such.sock"})
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line for line in done.stderr.splitlines() if "container: skipped" in line]
    assert len(lines) == 1 and "dockerd --bridge=none" in done.stderr
    ds = read_dataset(out)
    assert set(ds.samples.column("platform").to_pylist()) == {"process"}
    assert "container" in ds.manifest["skipped_platforms"]


def _start_long_run(out: Path, *args: str) -> subprocess.Popen[str]:
    """`collector run` with Ctrl-C as a terminal gives it: a test run started in the background by a shell
    (`make test &`) has SIGINT ignored, and a child would inherit that and never see the test's SIGINT."""
    return subprocess.Popen([*COLLECTOR, "run", "--accel", "tcg", "--out", str(out), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


@pytest.mark.parametrize("platform", ["container", "vm"])
def test_sigkill_leaves_no_version_and_cleanup_removes_leftovers(tmp_path: Path, state_dir: Path, platform: str) -> None:
    """Killed while its instances run (the density suite keeps them up), the run leaves them behind; cleanup removes them."""
    out = tmp_path / "ds"
    proc = _start_long_run(out, "--suite", "density", "--platform", platform, "--max-instances", "2",
                           "--memory-budget", "2048", "--repeat", "50", "--warmup", "0")
    alive = (lambda: len(labelled_containers()) >= 2) if platform == "container" else (lambda: len(own_pidfiles(state_dir, "vm")) >= 2)
    try:
        assert wait_until(alive, 180), f"no two {platform} instances running"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert committed(out) == []
    assert labelled_containers() if platform == "container" else qemu_processes(), "SIGKILL left nothing behind to clean"
    done = run_collector("cleanup", "--datasets", str(tmp_path), "--keep-images")
    assert done.returncode == 0, done.stderr
    assert "removed" in done.stdout
    assert wait_until(lambda: not labelled_containers() and not qemu_processes(), 20)
    assert own_pidfiles(state_dir, platform) == []


def test_ctrl_c_keeps_samples_as_incomplete_version(tmp_path: Path, state_dir: Path) -> None:
    out = tmp_path / "ds"
    proc = _start_long_run(out, "--platform", "container,vm", "--repeat", "200")
    assert wait_until(lambda: bool(own_pidfiles(state_dir, "vm")), 120), "no VM of this run ever started"
    assert wait_until(lambda: not own_pidfiles(state_dir, "vm"), 30)  # that VM measured and stopped
    assert wait_until(lambda: bool(own_pidfiles(state_dir, "vm")), 60)  # the next one is booting
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr[-2000:]
    versions = committed(out)
    assert len(versions) == 1
    manifest = json.loads((versions[0] / "manifest.json").read_text())
    assert manifest["complete"] is False and manifest["interrupted"] is True
    assert read_dataset(versions[0]).samples.num_rows > 0
    assert not labelled_containers() and not qemu_processes()
