"""The image suite on the real engines: layer sizes (C4) and layer reuse (C7), compared exactly."""

from __future__ import annotations

import io
import json
import os
import subprocess
import tarfile
from pathlib import Path

import pytest

from collector.dataset import read_dataset
from collector.artifacts.layer_reuse import flatten
from collector.probes.layers import image_layers
from collector.platforms.container import docker_client
from collector.workloads.busybox import Busybox
from collector.artifacts.busybox import build_scratch_image

from .conftest import run_collector

pytestmark = pytest.mark.integration


def _rows(ds, **match):  # type: ignore[no-untyped-def]
    rows = [r for r in ds.samples.to_pylist() if all(r[k] == v for k, v in match.items())]
    for r in rows:
        r["d"] = json.loads(r["detail"]) if r["detail"] else {}
    return rows


def _our_images(run_id: str) -> list[str]:
    out = subprocess.run(["docker", "images", "--format", "{{.Repository}}:{{.Tag}}"], capture_output=True, text=True, check=True)
    return [line for line in out.stdout.split() if "reuse" in line and run_id.lower() in line]


def test_image_sizes_and_layer_reuse_busybox(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    done = run_collector("run", "--suite", "image", "--platform", "process,container,vm", "--accel", "tcg",
                         "--repeat", "3", "--param", "image_k=3", "--param", "image_app_kib=32", "--out", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    assert run_collector("validate", str(out)).stdout.startswith("OK")
    ds = read_dataset(out)
    run_id = ds.manifest["run"]["run_id"]
    assert all(ds.samples.column("ok").to_pylist()), ds.samples.column("error").to_pylist()
    # exact metrics are measured once whatever --repeat says
    assert set(ds.samples.column("repetition").to_pylist()) == {0}

    # process: the busybox binary itself, byte for byte
    binary = Busybox().binary
    st = os.stat(binary)
    (app,) = _rows(ds, platform="process", metric="image_apparent_bytes")
    (alloc,) = _rows(ds, platform="process", metric="image_allocated_bytes")
    assert app["value"] == st.st_size and alloc["value"] == st.st_blocks * 512 and app["phase"] == "app"

    # container: one FROM-scratch layer, role app; engine size == apparent bytes in its overlay2 folder
    layers = _rows(ds, platform="container", chart_id="C4", metric="image_bytes")
    assert [r["phase"] for r in layers] == ["app"]
    (apparent,) = _rows(ds, platform="container", chart_id="C4", metric="image_apparent_bytes")
    assert layers[0]["value"] == apparent["value"]
    assert st.st_size < layers[0]["value"] < st.st_size + 64 * 1024  # busybox + its applet symlinks
    assert layers[0]["d"]["layer_id"].startswith("sha256:") and "COPY" in layers[0]["d"]["created_by"]

    # vm: kernel and initramfs, apparent and allocated, from the files themselves
    vm = {r["phase"]: r for r in _rows(ds, platform="vm", metric="image_apparent_bytes")}
    assert set(vm) == {"kernel", "initramfs"}
    for phase, r in vm.items():
        assert r["value"] == os.stat(r["d"]["path"]).st_size
        (a,) = [x for x in _rows(ds, platform="vm", metric="image_allocated_bytes") if x["phase"] == phase]
        assert a["value"] == os.stat(r["d"]["path"]).st_blocks * 512
    assert {r["accelerator"] for r in _rows(ds, platform="vm")} == {"tcg"}

    # C7: shared = base + k × app; standalone = k × (base + app); exactly
    app_bytes = 32 * 1024
    used = {(r["d"]["set"], r["d"]["k"]): r for r in _rows(ds, chart_id="C7", metric="disk_used_bytes")}
    base = used[("shared", 1)]["d"]["base_bytes"]
    assert base == layers[0]["value"]
    for k in (1, 2, 3):
        assert used[("shared", k)]["value"] == base + k * app_bytes
        assert used[("standalone", k)]["value"] == k * (base + app_bytes)
        assert used[("shared", k)]["instance"] == k - 1
    sums = {(r["d"]["set"], r["d"]["k"]): r["value"] for r in _rows(ds, chart_id="C7", metric="image_size_sum_bytes")}
    assert sums[("shared", 3)] == sums[("standalone", 3)] == 3 * (base + app_bytes)
    du = {(r["d"]["set"], r["d"]["k"]): r["value"] for r in _rows(ds, chart_id="C7", metric="disk_allocated_bytes")}
    assert du[("shared", 3)] < 0.5 * du[("standalone", 3)]
    assert du[("standalone", 3)] >= used[("standalone", 3)]["value"]  # blocks round up
    # the 2K images are gone; the workload image stays
    assert _our_images(run_id) == []
    assert subprocess.run(["docker", "image", "inspect", used[("shared", 1)]["d"]["base_image"]],
                          capture_output=True).returncode == 0


def test_flatten_applies_whiteouts_and_roles_of_a_multi_layer_image(tmp_path: Path) -> None:
    client = docker_client()
    wl = Busybox()
    base, _ = build_scratch_image(client, wl.binary, wl.argv, "busybox")
    tag = f"vmcbench/test-flatten:{os.getpid()}"
    dockerfile = f"FROM {base}\nRUN [\"/bin/busybox\", \"rm\", \"/bin/ls\"]\nRUN [\"/bin/busybox\", \"mkdir\", \"/opt\"]\nCOPY f /opt/f\n"
    ctx = io.BytesIO()
    with tarfile.open(fileobj=ctx, mode="w") as tar:
        for name, data in (("Dockerfile", dockerfile.encode()), ("f", b"x" * 1000)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    ctx.seek(0)
    client.images.build(fileobj=ctx, custom_context=True, tag=tag, rm=True, forcerm=True, network_mode="none",
                        labels={"vmcbench.managed": "1", "vmcbench.run": "test-flatten"})
    try:
        layers = image_layers(client, tag)
        assert [layer.role for layer in layers] == ["base_os", "runtime", "runtime", "app"]
        assert layers[-1].size == 1000 and all(layer.diff_id for layer in layers)
        flatten(client, tag, tmp_path / "flat.tar", tmp_path)
        with tarfile.open(tmp_path / "flat.tar") as tar:
            names = set(tar.getnames())
        assert "bin/busybox" in names and "bin/sh" in names and "opt/f" in names
        assert "bin/ls" not in names and not any(".wh." in n for n in names)
    finally:
        client.images.remove(tag)
        client.close()


@pytest.mark.slow
def test_image_tomcat_rootfs_and_ext4_disk(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    done = run_collector("run", "--suite", "image", "--workload", "tomcat", "--platform", "process,container,vm",
                         "--accel", "tcg", "--param", "image_k=2", "--out", str(out), timeout=3600)
    assert done.returncode == 0, done.stderr[-2000:]
    ds = read_dataset(out)
    assert all(ds.samples.column("ok").to_pylist()), ds.samples.column("error").to_pylist()
    (layer,) = _rows(ds, platform="container", chart_id="C4", metric="image_bytes")
    assert layer["phase"] == "rootfs" and layer["value"] > 100e6
    (disk,) = [r for r in _rows(ds, platform="vm", metric="image_apparent_bytes") if r["phase"] == "disk"]
    (disk_alloc,) = [r for r in _rows(ds, platform="vm", metric="image_allocated_bytes") if r["phase"] == "disk"]
    assert disk_alloc["value"] <= disk["value"]
    used = {(r["d"]["set"], r["d"]["k"]): r["value"] for r in _rows(ds, chart_id="C7", metric="disk_used_bytes")}
    assert used[("standalone", 2)] > 1.8 * used[("shared", 2)]
