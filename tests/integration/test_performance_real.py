"""The performance suite on the real engines: the same benchmark binaries as a process, in a container, in a VM."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.compute as pc
import pytest

from collector.dataset import metrics_of, read_dataset

from .conftest import run_collector
from .test_density_real import leftovers

pytestmark = pytest.mark.integration

PLATFORMS = ("process", "container", "vm")


def test_performance_every_benchmark_on_every_platform_on_small_settings(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    done = run_collector("run", "--suite", "performance", "--platform", ",".join(PLATFORMS), "--repeat", "1",
                         "--warmup", "0", "--accel", "tcg", "--vm-cpus", "1", "--timeout", "120",
                         "--param", "perf_profile=ci", "--param", "perf_t=1", "--param", "perf_redis_n=500",
                         "--out", str(out), timeout=1500)
    assert done.returncode == 0, done.stderr[-3000:]
    assert run_collector("validate", str(out)).stdout.startswith("OK ")
    ds = read_dataset(out)
    t = ds.samples
    bad = t.filter(pc.invert(t.column("ok")))
    assert bad.num_rows == 0, list(zip(bad.column("platform").to_pylist(), bad.column("metric").to_pylist(),
                                       bad.column("error").to_pylist()))[:10]
    names = {m.name for m in metrics_of("performance")}
    rows = t.to_pylist()
    for platform in PLATFORMS:
        mine = {r["metric"]: r for r in rows if r["platform"] == platform}
        assert set(mine) == names, platform
        assert all(r["value"] > 0 for r in mine.values()), platform
        detail = json.loads(mine["disk_randread_iops"]["detail"])
        assert detail["direct"] == 1, detail  # O_DIRECT honoured on every platform's scratch storage
        assert detail["settings"]["t"] == "1" and detail["instance_info"]["nproc"]
    vm = json.loads(next(r["detail"] for r in rows if r["platform"] == "vm" and r["metric"] == "net_tcp_bandwidth"))
    assert vm["instance_info"]["nproc"] == "1"
    facts = ds.manifest["suite_facts"]["performance"]
    assert facts["settings"]["redis_n"] == "500" and facts["profile"] == "ci"
    assert "cache=none" in facts["artifacts"]["vm"]["disk_format"]
    assert facts["artifacts"]["process"]["rootfs_packages"]["fio"] != "missing"
    assert not leftovers(ds.manifest["run"]["run_id"])
