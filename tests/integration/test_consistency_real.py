"""The consistency suite (C6) on the real engines: distinct environments after the same work."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from collector.dataset import read_dataset

from .conftest import run_collector

pytestmark = pytest.mark.integration

N = 3


def test_vm_disks_diverge_container_layers_stay_and_process_folder_mutates(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    done = run_collector("run", "--suite", "consistency", "--platform", "process,container,vm", "--repeat", "1",
                         "--accel", "tcg", "--instances", str(N), "--out", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    ds = read_dataset(out)
    rows = ds.samples.to_pylist()
    assert all(r["ok"] for r in rows), [r["error"] for r in rows if not r["ok"]]
    assert {r["chart_id"] for r in rows} == {"C6"}

    def one(platform: str, metric: str) -> dict:
        found = [r for r in rows if r["platform"] == platform and r["metric"] == metric]
        assert len(found) == 1, (platform, metric, found)
        return found[0]

    def each(platform: str, metric: str) -> list[dict]:
        found = sorted((r for r in rows if r["platform"] == platform and r["metric"] == metric), key=lambda r: r["instance"])
        assert [r["instance"] for r in found] == list(range(N)), (platform, metric)
        return found

    # VMs: each disk copy diverged from the base and from each other
    assert one("vm", "distinct_fingerprints")["value"] == N
    assert one("vm", "disk_changed")["value"] == N
    vm_prints = [json.loads(r["detail"]) for r in each("vm", "fingerprint")]
    assert len({d["sha256"] for d in vm_prints}) == N and all(d["changed"] for d in vm_prints)

    # containers: the image's layers are the same after the work; the writes went to each upper layer
    assert one("container", "distinct_fingerprints")["value"] == 1
    layer_prints = [json.loads(r["detail"]) for r in each("container", "fingerprint")]
    assert all(d["layers_unchanged"] for d in layer_prints)
    uppers = each("container", "upper_layer_bytes")
    assert all(r["value"] > 0 for r in uppers)
    assert all("A /data/new-file" in json.loads(r["detail"])["changes"] for r in uppers)

    # processes: one shared folder, and the work changed it
    shared = one("process", "distinct_fingerprints")
    assert shared["value"] == 1
    facts = json.loads(shared["detail"])
    assert facts["mutated"] is True and facts["pre_sha256"] != facts["post_sha256"] and facts["shared_by"] == N

    run_id = ds.manifest["run"]["run_id"]
    assert not subprocess.run(["docker", "ps", "-aq", "--filter", f"label=vmcbench.run={run_id}"],
                              capture_output=True, text=True, check=True).stdout.split()
    assert not subprocess.run(["pgrep", "-f", f"qemu-system-x86_64.*vmcbench-{run_id}"], capture_output=True, text=True).stdout.split()
