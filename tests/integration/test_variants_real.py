"""The platform variants on the real engines: Docker with crun and runsc (gVisor), Podman, QEMU microvm.

Small on purpose (CI budget): one start of each, the portability probe once, and the clean-up of
what a variant can leave behind (a Podman container, an orphan gVisor sandbox).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import psutil
import pyarrow.compute as pc
import pytest

from collector.dataset import read_dataset

from .conftest import labelled_containers, qemu_processes, run_collector

pytestmark = pytest.mark.integration

VARIANTS = ("crun", "podman", "gvisor", "microvm")


PODMAN_ENV = {"CONTAINERS_CONF": "/etc/vmcbench/containers.conf"}
"""The settings scripts/setup.sh gives Podman's API service (ulimits, cgroupfs, no journald), for the CLI too."""


def podman_labelled() -> list[str]:
    out = subprocess.run(["podman", "ps", "-aq", "--filter", "label=vmcbench.managed=1"], capture_output=True, text=True,
                         env={**os.environ, **PODMAN_ENV})
    return out.stdout.split()


def runsc_processes() -> list[int]:
    return [p.pid for p in psutil.process_iter(["cmdline"])
            if (p.info["cmdline"] or [""])[0].rsplit("/", 1)[-1] in ("runsc-sandbox", "runsc-gofer")]


def test_each_variant_starts_says_what_it_is_and_runs_the_same_image(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    done = run_collector("run", "--suite", "startup,portability", "--platform", ",".join(VARIANTS), "--repeat", "1",
                         "--warmup", "0", "--accel", "tcg", "--timeout", "120", "--out", str(out), timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    ds = read_dataset(out)
    assert ds.manifest["skipped_platforms"] == {}, ds.manifest["skipped_platforms"]
    t = ds.samples
    starts = t.filter(pc.equal(t["metric"], "start_time")).to_pylist()
    assert sorted(r["platform"] for r in starts) == sorted(VARIANTS)
    assert all(r["ok"] for r in starts), [r["error"] for r in starts]
    ident = {r["platform"]: (r["family"], r["engine"], r["runtime"], r["machine"]) for r in starts}
    assert ident == {"crun": ("container", "docker", "crun", "none"), "podman": ("container", "podman", "crun", "none"),
                     "gvisor": ("container", "docker", "runsc", "none"), "microvm": ("vm", "qemu", "none", "microvm")}
    assert all(r["runtime_version"].startswith(("crun version", "runsc version")) for r in starts if r["runtime"] != "none")
    assert ds.manifest["platforms"]["microvm"]["accelerator"] == "tcg"
    assert ds.manifest["artifacts"]["microvm"]["tsc_early_khz"] or "tsc_known_freq" not in Path("/proc/cpuinfo").read_text()

    # one image id on every container platform (Podman loaded Docker's archive), and the probe saw gVisor's kernel
    arts = ds.manifest["artifacts"]
    assert arts["crun"]["image_id"] == arts["gvisor"]["image_id"] == arts["podman"]["image_id"]
    checks = t.filter(pc.equal(t["metric"], "check_ok")).to_pylist()
    seen = {(r["platform"], r["phase"]): json.loads(r["detail"]) for r in checks}
    assert {json.loads(r["detail"])["digest"] for r in checks if r["family"] == "container"} == {arts["crun"]["image_id"]}
    assert seen[("gvisor", "kernel_release")]["output"] != seen[("crun", "kernel_release")]["output"]
    assert seen[("crun", "smaps_rollup")]["status"] == 0
    assert not labelled_containers() and not podman_labelled() and not qemu_processes() and not runsc_processes()


def _orphan_sandbox(root: Path) -> str:
    """A gVisor sandbox no engine knows: runsc itself, detached, as a failed start under Docker leaves one."""
    from collector.artifacts.busybox import busybox_binary

    cid = "f" * 64
    bundle = root / "bundles" / cid
    (bundle / "rootfs" / "bin").mkdir(parents=True)
    shutil.copy(busybox_binary(), bundle / "rootfs" / "bin" / "busybox")
    subprocess.run(["runsc", "spec"], cwd=bundle, check=True, capture_output=True)
    spec = json.loads((bundle / "config.json").read_text())
    spec["process"].update(args=["/bin/busybox", "sleep", "600"], terminal=False)
    (bundle / "config.json").write_text(json.dumps(spec))
    # the detached sandbox keeps the descriptors it is given: no pipes, or run() would wait for it to exit
    subprocess.run(["runsc", f"--root={root / 'state'}", "--network=none", "run", "--detach", "--bundle", str(bundle), cid],
                   check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    return cid


def test_cleanup_removes_podman_containers_and_orphan_gvisor_sandboxes(tmp_path: Path) -> None:
    from collector.artifacts.busybox import busybox_binary

    rootfs = tmp_path / "podman-rootfs"
    (rootfs / "bin").mkdir(parents=True)
    shutil.copy(busybox_binary(), rootfs / "bin" / "busybox")
    podman = subprocess.run(["podman", "run", "-d", "--label", "vmcbench.managed=1", "--network", "none",
                             "--rootfs", str(rootfs), "/bin/busybox", "sleep", "600"],
                            capture_output=True, text=True, timeout=120, env={**os.environ, **PODMAN_ENV})
    assert podman.returncode == 0, podman.stderr
    _orphan_sandbox(tmp_path)
    deadline = time.monotonic() + 30
    while not runsc_processes() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert podman_labelled() and runsc_processes()

    done = run_collector("cleanup", "--keep-images", "--datasets", str(tmp_path / "none"))
    assert done.returncode == 0, done.stderr
    assert "podman container" in done.stdout and "gVisor sandbox ffffffffffff" in done.stdout, done.stdout
    assert not podman_labelled() and not runsc_processes()


def test_podman_image_layers_are_sized_from_its_own_overlay_folders(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    done = run_collector("run", "--suite", "image", "--platform", "podman", "--repeat", "1", "--warmup", "0",
                         "--out", str(out), timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [r for r in read_dataset(out).samples.to_pylist() if r["platform"] == "podman" and r["chart_id"] == "C4"]
    by_metric = {m: [r for r in rows if r["metric"] == m] for m in ("image_bytes", "image_apparent_bytes", "image_allocated_bytes")}
    assert all(r["ok"] for r in rows), [r["error"] for r in rows]
    assert len(by_metric["image_allocated_bytes"]) == len(by_metric["image_bytes"]) >= 1
    for layer, apparent, allocated in zip(*by_metric.values()):
        folder = json.loads(allocated["detail"])["folder"]
        assert folder.startswith("/var/lib/containers/storage/overlay/"), folder
        # Podman's history gives the layer's tar size (headers and padding included), Docker's the files' bytes
        assert apparent["value"] <= layer["value"] <= apparent["value"] * 1.1
        assert allocated["value"] >= apparent["value"] * 0.9
