"""Synthetic datasets for reportgen's tests and benchmark, written with collector.dataset.

    make_startup_dataset(tmp_path / "synthetic")                  # 20 runs x 3 platforms, KVM
    make_startup_dataset(root, platforms=("process", "container"))  # no VM: the report must say so
    make_startup_dataset(root, n=83_334)                          # about one million samples

The values are made up (log-normal around plausible figures), but the rows
have the exact shape the startup suite writes: one C3 `start_time` row per
run and platform, and one C5 `phase_end` row per phase, with the phase's end
measured from the start request. Generation is vectorised so a million rows
take about a second.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pyarrow as pa

from collector.dataset import IDENTITY_COLUMNS, SAMPLE_SCHEMA, write_version
from collector.dataset.families import v1_identity

PHASES: dict[str, tuple[str, ...]] = {
    "process": ("spawned", "ready"),
    "container": ("created", "started", "ready"),
    "vm": ("qemu_up", "kernel_started", "init_started", "ready"),
}
"""Phase names per platform, in chain order, as the startup suite writes them."""

TYPICAL_PHASE_SECONDS: dict[str, dict[str, tuple[float, ...]]] = {
    "kvm": {
        "process": (0.0008, 0.0015),
        "container": (0.060, 0.250, 0.020),
        "vm": (0.150, 0.450, 0.900, 0.350),
    },
    "tcg": {
        "process": (0.0008, 0.0015),
        "container": (0.060, 0.250, 0.020),
        "vm": (0.200, 2.500, 9.000, 2.000),
    },
}
"""Median duration of each phase (seconds), by VM accelerator."""

CREATED_AT = "2025-01-15T09:30:00Z"


def make_startup_dataset(
    root: str | Path,
    n: int = 20,
    platforms: Sequence[str] = ("process", "container", "vm"),
    seed: int = 0,
    *,
    warmup: int = 2,
    failures: int = 0,
    accelerator: str = "kvm",
    created_at: str = CREATED_AT,
    host_id: str = "synthetic-host-01",
) -> Path:
    """Write one new version of a synthetic startup dataset under `root`; return its folder.

    `root` is the dataset folder (its last path part is the dataset name); the
    version written is the next free one (v1 for a new folder). Each of the
    `platforms` gets `warmup` warm-up runs and `n` measured runs, interleaved;
    the last `failures` measured runs of each platform fail before "ready"
    (the C3 row and the last phase row carry ok=false and an error text).
    An empty `platforms` writes a dataset with no startup samples at all.
    """
    if accelerator not in TYPICAL_PHASE_SECONDS:
        raise ValueError(f"accelerator must be one of {sorted(TYPICAL_PHASE_SECONDS)}")
    rng = np.random.default_rng(seed)
    reps = warmup + n
    parts: list[dict[str, np.ndarray]] = []
    for p_index, platform in enumerate(platforms):
        phases = PHASES[platform]
        typical = np.asarray(TYPICAL_PHASE_SECONDS[accelerator][platform])
        durations = typical * rng.lognormal(0.0, 0.18, size=(reps, len(phases)))
        ends = np.cumsum(durations, axis=1)  # (reps, phases)
        failed = np.zeros(reps, dtype=bool)
        if failures:
            failed[reps - failures :] = True
        rep = np.arange(reps, dtype=np.int32)
        accel = accelerator if platform == "vm" else "none"
        rows_per_rep = 1 + len(phases)
        # Column k == 0 is the C3 row; k >= 1 is phase k-1 of the C5 chain.
        k = np.tile(np.arange(rows_per_rep), reps)
        r = np.repeat(rep, rows_per_rep)
        is_c3 = k == 0
        phase_idx = np.where(is_c3, len(phases) - 1, k - 1)
        value = ends[r, phase_idx]
        ok = ~(failed[r] & (is_c3 | (phase_idx == len(phases) - 1)))
        parts.append(
            {
                "order": r.astype(np.int64) * 10 * len(PHASES) + p_index * 10 + k,
                "platform": np.full(r.size, platform, dtype=object),
                "chart_id": np.where(is_c3, "C3", "C5").astype(object),
                "metric": np.where(is_c3, "start_time", "phase_end").astype(object),
                "phase": np.where(is_c3, None, np.asarray(phases, dtype=object)[phase_idx]),
                "value": np.where(ok, value, np.nan),
                "repetition": r,
                "warmup": r < warmup,
                "accelerator": np.full(r.size, accel, dtype=object),
                "ok": ok,
                "error": np.where(ok, None, "timed out waiting for the ready signal").astype(object),
            }
        )
    table = _assemble(parts, host_id, created_at)
    manifest = _manifest(platforms, n, warmup, accelerator, created_at, host_id)
    dataset = write_version(root, table, manifest)
    return Path(dataset.location.path)


def make_other_suite_dataset(root: str | Path, *, created_at: str = CREATED_AT) -> Path:
    """A valid dataset with no startup suite at all (one image-size row), for the "missing" paths."""
    part = {
        "order": np.arange(3, dtype=np.int64),
        "platform": np.asarray(["process", "container", "vm"], dtype=object),
        "chart_id": np.full(3, "C4", dtype=object),
        "metric": np.full(3, "image_bytes", dtype=object),
        "phase": np.full(3, None, dtype=object),
        "value": np.asarray([1.2e6, 1.5e6, 9.0e7]),
        "repetition": np.zeros(3, dtype=np.int32),
        "warmup": np.zeros(3, dtype=bool),
        "accelerator": np.asarray(["none", "none", "kvm"], dtype=object),
        "ok": np.ones(3, dtype=bool),
        "error": np.full(3, None, dtype=object),
    }
    table = _assemble([part], "synthetic-host-01", created_at, suite="image", unit="bytes", workload="busybox")
    manifest = _manifest(("process", "container", "vm"), 1, 0, "kvm", created_at, "synthetic-host-01")
    manifest["run"]["suites"] = ["image"]
    return Path(write_version(root, table, manifest).location.path)


def _assemble(
    parts: list[dict[str, np.ndarray]],
    host_id: str,
    created_at: str,
    *,
    suite: str = "startup",
    unit: str = "s",
    workload: str = "busybox",
) -> pa.Table:
    if parts:
        cols = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    else:
        cols = {
            "order": np.zeros(0, np.int64),
            "platform": np.zeros(0, object),
            "chart_id": np.zeros(0, object),
            "metric": np.zeros(0, object),
            "phase": np.zeros(0, object),
            "value": np.zeros(0),
            "repetition": np.zeros(0, np.int32),
            "warmup": np.zeros(0, bool),
            "accelerator": np.zeros(0, object),
            "ok": np.zeros(0, bool),
            "error": np.zeros(0, object),
        }
    order = np.argsort(cols.pop("order"), kind="stable")  # interleave platforms within each repetition
    cols = {name: col[order] for name, col in cols.items()}
    rows = order.size
    t0 = np.datetime64(created_at.replace("Z", ""), "us")
    started = t0 + (np.arange(rows, dtype=np.int64) * 50_000).astype("timedelta64[us]")
    value = cols["value"]
    recorded = started + (np.nan_to_num(value, nan=1.0) * 1e6).astype("timedelta64[us]")
    data: dict[str, Any] = {
        "sample_id": pa.array(np.arange(1, rows + 1, dtype=np.int64)),
        "run_id": pa.array(np.full(rows, "run-0001", dtype=object), pa.string()),
        "suite": pa.array(np.full(rows, suite, dtype=object), pa.string()),
        "chart_id": pa.array(cols["chart_id"], pa.string()),
        "platform": pa.array(cols["platform"], pa.string()),
        "workload": pa.array(np.full(rows, workload, dtype=object), pa.string()),
        "metric": pa.array(cols["metric"], pa.string()),
        "unit": pa.array(np.full(rows, unit, dtype=object), pa.string()),
        "value": pa.array(value, pa.float64(), from_pandas=True),
        "repetition": pa.array(cols["repetition"].astype(np.int32)),
        "warmup": pa.array(cols["warmup"]),
        "instance": pa.array(np.zeros(rows, dtype=np.int32)),
        "phase": pa.array(cols["phase"], pa.string()),
        "accelerator": pa.array(cols["accelerator"], pa.string()),
        "host_id": pa.array(np.full(rows, host_id, dtype=object), pa.string()),
        "ok": pa.array(cols["ok"]),
        "error": pa.array(cols["error"], pa.string()),
        "detail": pa.nulls(rows, pa.string()),
        "started_at": pa.array(started, pa.timestamp("us", tz="UTC")),
        "recorded_at": pa.array(recorded, pa.timestamp("us", tz="UTC")),
    }
    return pa.table(_with_identity(data), schema=SAMPLE_SCHEMA)


def _manifest(
    platforms: Sequence[str], n: int, warmup: int, accelerator: str, created_at: str, host_id: str
) -> dict[str, Any]:
    datetime.strptime(created_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)  # reject bad input early
    return {
        "complete": True,
        "interrupted": False,
        "created_at": created_at,
        "collector": {"name": "vmcbench-collector", "version": "0.1.0"},
        "run": {
            "suites": ["startup"],
            "platforms": list(platforms),
            "repeat": n,
            "warmup": warmup,
            "timeout": 120,
            "accel": accelerator,
            "workload": "busybox",
        },
        "host": {
            "cpu_model": "Synthetic CPU @ 2.0GHz",
            "cores": 2,
            "memory_bytes": 8 * 2**30,
            "kernel": "6.1.0-synthetic-amd64",
            "os": "Debian GNU/Linux 12 (bookworm)",
            "docker_version": "24.0.7",
            "qemu_version": "7.2.15",
            "accelerator": accelerator,
            "cgroup_version": 2,
            "python": "3.11.2",
            "host_id": host_id,
        },
        "artifacts": {},
    }


# Datasets of the other suites (C1, C4, C6-C11) ---------------------------------------------------------------

SUITE_CHARTS: dict[str, tuple[str, ...]] = {
    "overhead": ("C1",),
    "image": ("C4", "C7"),
    "consistency": ("C6",),
    "density": ("C9",),
    "isolation": ("C10",),
    "recovery": ("C11",),
    "performance": ("C12",),
}
"""The suites make_suites_dataset can write, and the charts each feeds."""

HOST_MEMORY = 8 * 2**30
IMAGE_ID = "sha256:" + "ab12" * 16
BINARY_SHA = "cd34" * 16
INITRAMFS_SHA = "ef56" * 16


def make_suites_dataset(
    root: str | Path,
    *,
    suites: Sequence[str] = tuple(SUITE_CHARTS),
    platforms: Sequence[str] = ("process", "container", "vm"),
    seed: int = 0,
    accelerator: str = "kvm",
    host_id: str = "synthetic-host-01",
    host_label: str = "lab-a",
    image_id: str = IMAGE_ID,
    created_at: str = CREATED_AT,
    failed_vm_isolation: int = 0,
) -> Path:
    """Write one version with rows shaped as the collector's overhead, image, consistency, density,
    isolation and recovery suites write them (metrics, units, phases and `detail` keys as in
    docs/suites); values are made up but plausible, and differ with `seed`.

    `failed_vm_isolation` turns that many of the VM's measured isolation runs into failures (one
    ok=false row each, as the suite writes when a victim does not finish).
    """
    rng = np.random.default_rng(seed)
    rows: list[dict[str, Any]] = []

    def add(suite: str, chart: str, platform: str, metric: str, unit: str, value: float | None, **kw: Any) -> None:
        rows.append({
            "suite": suite, "chart_id": chart, "platform": platform, "metric": metric, "unit": unit, "value": value,
            "workload": kw.pop("workload", "busybox"), "repetition": kw.pop("repetition", 0),
            "warmup": kw.pop("warmup", False), "instance": kw.pop("instance", 0), "phase": kw.pop("phase", None),
            "accelerator": accelerator if platform == "vm" else "none", "ok": value is not None,
            "error": kw.pop("error", None), "detail": kw.pop("detail", None),
        })

    for suite in suites:
        for platform in platforms:
            {"overhead": _overhead, "image": _image, "consistency": _consistency, "density": _density,
             "isolation": _isolation, "recovery": _recovery,
             "performance": _performance}[suite](add, platform, rng, failed_vm_isolation)
    table = _table(rows, host_id, created_at)
    manifest = _manifest(platforms, 3, 1, accelerator, created_at, host_id)
    manifest["run"].update(suites=list(suites), instances=3, memory_budget_mib=512, max_instances=8)
    manifest["host"]["label"] = host_label
    manifest["host"]["memory_bytes"] = HOST_MEMORY
    manifest["artifacts"] = {
        "process": {"binary": "/usr/bin/busybox", "binary_sha256": BINARY_SHA},
        "container": {"image": "vmcbench/workload:busybox", "image_id": image_id},
        "vm": {"accelerator": accelerator, "initramfs_sha256": INITRAMFS_SHA},
    }
    return Path(write_version(root, table, manifest).location.path)


def as_other_host(version: str | Path, root: str | Path, host_id: str, label: str) -> Path:
    """A copy of a dataset version under `root` that claims another host identity (host_id, label).

    For C8 tests and demos on one machine: the samples are the same, only who measured them is
    changed, and the manifest's notes say so.
    """
    import pyarrow.compute as pc

    from collector.dataset import read_dataset

    dataset = read_dataset(str(version))
    table = dataset.samples
    index = table.schema.get_field_index("host_id")
    table = table.set_column(index, "host_id", pa.repeat(pa.scalar(host_id, pa.string()), table.num_rows))
    assert pc.all(pc.equal(table["host_id"], host_id)).as_py()
    manifest = {k: v for k, v in dataset.manifest.items()
                if k not in ("schema_version", "dataset", "version", "parent_version", "sample_count", "files")}
    manifest["host"] = {**manifest.get("host", {}), "host_id": host_id, "label": label}
    manifest["notes"] = {**manifest.get("notes", {}), "fixture": f"host identity rewritten from {dataset.label}"}
    return Path(write_version(root, table, manifest).location.path)


def _json(obj: dict[str, Any]) -> str:
    import json

    return json.dumps(obj, sort_keys=True, ensure_ascii=False)


def _with_identity(data: dict[str, Any]) -> dict[str, Any]:
    """The schema-v2 identity columns, derived from each row's platform as a migrated v1 dataset has them."""
    host = {"kernel": "6.1.0-test", "docker_version": "26.1.0", "qemu_version": "7.2.0"}
    platforms = [str(p) for p in data["platform"].to_pylist()]
    ids = {p: v1_identity(p, host) for p in set(platforms)}
    return {**data, **{c: pa.array([ids[p][c] for p in platforms], pa.string()) for c in IDENTITY_COLUMNS}}


def _table(rows: list[dict[str, Any]], host_id: str, created_at: str) -> pa.Table:
    n = len(rows)
    t0 = np.datetime64(created_at.replace("Z", ""), "us")
    started = t0 + (np.arange(n, dtype=np.int64) * 50_000).astype("timedelta64[us]")
    col = lambda name: [r[name] for r in rows]  # noqa: E731
    data: dict[str, Any] = {
        "sample_id": pa.array(np.arange(1, n + 1, dtype=np.int64)),
        "run_id": pa.array(["run-0002"] * n, pa.string()),
        "suite": pa.array(col("suite"), pa.string()),
        "chart_id": pa.array(col("chart_id"), pa.string()),
        "platform": pa.array(col("platform"), pa.string()),
        "workload": pa.array(col("workload"), pa.string()),
        "metric": pa.array(col("metric"), pa.string()),
        "unit": pa.array(col("unit"), pa.string()),
        "value": pa.array([None if v is None else float(v) for v in col("value")], pa.float64()),
        "repetition": pa.array(col("repetition"), pa.int32()),
        "warmup": pa.array(col("warmup"), pa.bool_()),
        "instance": pa.array(col("instance"), pa.int32()),
        "phase": pa.array(col("phase"), pa.string()),
        "accelerator": pa.array(col("accelerator"), pa.string()),
        "host_id": pa.array([host_id] * n, pa.string()),
        "ok": pa.array(col("ok"), pa.bool_()),
        "error": pa.array(col("error"), pa.string()),
        "detail": pa.array([None if d is None else _json(d) for d in col("detail")], pa.string()),
        "started_at": pa.array(started, pa.timestamp("us", tz="UTC")),
        "recorded_at": pa.array(started + np.timedelta64(10_000, "us"), pa.timestamp("us", tz="UTC")),
    }
    return pa.table(_with_identity(data), schema=SAMPLE_SCHEMA)


MIB = 2**20


def _overhead(add, platform: str, rng: np.random.Generator, _failed: int) -> None:
    app = {"process": 1.3, "container": 1.3, "vm": 0.8}[platform] * MIB
    over = {"process": 0.0, "container": 12.0, "vm": 210.0}[platform] * MIB
    for tick in range(5):
        parts = {"app": round(app * rng.uniform(0.98, 1.02)), "platform": round(over * rng.uniform(0.98, 1.02))}
        if platform == "container":
            parts["engine"] = round(130 * MIB * rng.uniform(0.99, 1.01))
        for part, value in parts.items():
            add("overhead", "C1", platform, "memory_bytes", "bytes", value, repetition=tick, phase=part,
                detail={"source": "synthetic"})
        add("overhead", "C1", platform, "memory_bytes", "bytes", HOST_MEMORY - sum(parts.values()), repetition=tick,
            phase="spare", detail={"host_total_bytes": HOST_MEMORY})
        window = 1.0 + rng.uniform(0, 0.01)
        cpu = {"app": 0.01, "platform": {"process": 0.0, "container": 0.002, "vm": 0.03}[platform]}
        if platform == "container":
            cpu["engine"] = 0.01
        cpu = {k: v * rng.uniform(0.5, 1.5) for k, v in cpu.items()}
        for part, value in cpu.items():
            add("overhead", "C1", platform, "cpu_seconds", "s", value, repetition=tick, phase=part,
                detail={"host_cores": 2})
        add("overhead", "C1", platform, "cpu_seconds", "s", 2 * window - sum(cpu.values()), repetition=tick,
            phase="spare", detail={"host_cores": 2})
        add("overhead", "C1", platform, "window_s", "s", window, repetition=tick, detail={"host_cores": 2})
        for phase, value in (("total", HOST_MEMORY), ("available", HOST_MEMORY // 2)):
            add("overhead", "C1", platform, "host_memory_bytes", "bytes", value, repetition=tick, phase=phase)


def _image(add, platform: str, rng: np.random.Generator, _failed: int) -> None:
    if platform == "process":
        files = [("app", "busybox", 1_982_256)]
    elif platform == "vm":
        files = [("kernel", "vmlinuz", 14_186_432), ("initramfs", "busybox.cpio", 1_983_488), ("disk", "disk.img", 33_554_432)]
    else:
        layers = [("base_os", 29_150_208), ("runtime", 51_380_224), ("app", 1_984_132)]
        for i, (role, size) in enumerate(layers):
            detail = {"role": role, "layer_index": i, "created_by": f"/bin/sh -c #(nop) COPY layer {i}", "image_id": IMAGE_ID}
            add("image", "C4", platform, "image_bytes", "bytes", size, phase=role, instance=i, detail=detail)
            add("image", "C4", platform, "image_apparent_bytes", "bytes", size - 100, phase=role, instance=i, detail=detail)
            add("image", "C4", platform, "image_allocated_bytes", "bytes", size + 8192, phase=role, instance=i, detail=detail)
        base, app = 1_984_132, 65_536
        for k in range(1, 4):
            for kind in ("shared", "standalone"):
                used = base + k * (app + 100) if kind == "shared" else k * (base + app + 100)
                detail = {"set": kind, "k": k, "app_bytes": app, "base_bytes": base, "method": "engine_df"}
                add("image", "C7", platform, "disk_used_bytes", "bytes", used, instance=k - 1, detail=detail)
                add("image", "C7", platform, "image_size_sum_bytes", "bytes", k * (base + app + 100), instance=k - 1,
                    detail={**detail, "method": "sum_of_image_sizes"})
                add("image", "C7", platform, "disk_allocated_bytes", "bytes", used + 40_960 * k, instance=k - 1,
                    detail={**detail, "method": "du_overlay2"})
        return
    for i, (role, name, size) in enumerate(files):
        detail = {"role": role, "file": name}
        add("image", "C4", platform, "image_apparent_bytes", "bytes", size, phase=role, instance=i, detail=detail)
        add("image", "C4", platform, "image_allocated_bytes", "bytes", size + 4096, phase=role, instance=i, detail=detail)


def _consistency(add, platform: str, rng: np.random.Generator, _failed: int) -> None:
    n = 3
    for rep in range(2):
        common = dict(repetition=rep, workload="consistency-work")
        if platform == "vm":
            for i in range(n):
                add("consistency", "C6", platform, "fingerprint", "bytes", 33_554_432, instance=i,
                    detail={"sha256": f"{rep}{i}" * 32, "changed": True}, **common)
            add("consistency", "C6", platform, "distinct_fingerprints", "count", n,
                detail={"n": n, "measured": n, "subject": "VM disk images"}, **common)
            add("consistency", "C6", platform, "disk_changed", "count", n, detail={"n": n, "measured": n}, **common)
        elif platform == "container":
            for i in range(n):
                add("consistency", "C6", platform, "fingerprint", "bytes", 1_984_132, instance=i,
                    detail={"sha256": "aa" * 32, "layers_unchanged": True}, **common)
                add("consistency", "C6", platform, "upper_layer_bytes", "bytes", 114, instance=i,
                    detail={"changes": ["A /data"]}, **common)
            add("consistency", "C6", platform, "distinct_fingerprints", "count", 1,
                detail={"n": n, "measured": n, "subject": "image layers"}, **common)
        else:
            for i in range(n):
                add("consistency", "C6", platform, "fingerprint", "bytes", 180, instance=i,
                    detail={"sha256": "bb" * 32}, **common)
            add("consistency", "C6", platform, "distinct_fingerprints", "count", 1,
                detail={"n": n, "measured": n, "mutated": True, "shared_by": n}, **common)


def _density(add, platform: str, rng: np.random.Generator, _failed: int) -> None:
    budget = 512 * MIB
    footprint = {"process": 0.5, "container": 4.0, "vm": 200.0}[platform] * MIB
    cap = 8
    add("density", "C9", platform, "start_time", "s", 0.1, warmup=True, detail={"position": 0})
    for rep in range(1, 3):
        count = min(cap, int(budget // footprint))
        reason = "max_instances" if count == cap else "budget"
        costs = []
        for i in range(count):
            add("density", "C9", platform, "start_time", "s", {"process": 0.004, "container": 0.3, "vm": 3.5}[platform]
                * rng.uniform(0.9, 1.1), repetition=rep, instance=i, detail={"running_before": i})
            cost = round(footprint * rng.uniform(0.95, 1.05))
            costs.append(cost)
            add("density", "C9", platform, "instance_memory", "bytes", cost, repetition=rep, instance=i, phase="ready",
                detail={"host_cost_bytes": cost, "running": i + 1})
            add("density", "C9", platform, "instance_memory", "bytes", cost - 4096, repetition=rep, instance=i,
                phase="peak", detail={"host_cost_bytes": cost, "running": count})
        add("density", "C9", platform, "instances_ready", "count", count, repetition=rep,
            detail={"stop_reason": reason, "budget_bytes": budget, "max_instances": cap, "alive_at_peak": count})
        add("density", "C9", platform, "budget_bytes", "bytes", budget, repetition=rep, detail={"max_instances": cap})
        mean = sum(costs) / len(costs)
        detail = {"extrapolated": True, "host_memory_bytes": HOST_MEMORY, "reserve_bytes": 2 * 2**30,
                  "per_instance_mean_bytes": round(mean)}
        if platform == "vm":
            detail["host_fit_if_guest_memory_fully_used"] = int((HOST_MEMORY - 2 * 2**30) // (256 * MIB))
        add("density", "C9", platform, "host_fit_extrapolated", "count", int((HOST_MEMORY - 2 * 2**30) // mean),
            repetition=rep, detail=detail)


def _isolation(add, platform: str, rng: np.random.Generator, failed_vm: int) -> None:
    alone = {"process": 0.008, "container": 0.008, "vm": 0.12}[platform]
    slowdown = {"process": 2.0, "container": 1.0, "vm": 1.05}[platform]
    for rep in range(3):
        warm = rep == 0
        for phase in ("alone", "beside_hog"):
            common = dict(repetition=rep, warmup=warm, phase=phase, workload="busybox-victim")
            if platform == "vm" and not warm and rep > 2 - failed_vm and phase == "beside_hog":
                add("isolation", "C10", platform, "victim_latency", "s", None,
                    error="victim did not finish: 3 of 20 iterations within 600 s", detail={"iterations": 20}, **common)
                continue
            scale = alone * (slowdown if phase == "beside_hog" else 1.0)
            for k in range(20):
                add("isolation", "C10", platform, "victim_latency", "s", scale * rng.lognormal(0, 0.05),
                    detail={"iteration": k, "iterations": 20}, **common)
            if phase == "beside_hog":
                add("isolation", "C10", platform, "hog_memory_bytes", "bytes", 256 * MIB,
                    **{**common, "workload": "busybox-hog"})


PERFORMANCE_RATIO = {"process": 1.0, "container": 0.9, "vm": 0.5}
"""Synthetic throughput of each platform relative to the bare process (latencies: the inverse)."""


def _performance(add, platform: str, rng: np.random.Generator, _failed: int) -> None:
    from collector.dataset import metrics_of

    for rep in range(4):
        for m in metrics_of("performance"):
            if m.better == "neither":
                continue
            factor = PERFORMANCE_RATIO[platform] if m.better == "higher" else 1 / PERFORMANCE_RATIO[platform]
            add("performance", "C12", platform, m.name, m.unit, 100.0 * factor * rng.uniform(0.97, 1.03),
                workload="perf", repetition=rep, warmup=rep == 0, detail={"settings": {"t": "2"}})


def _recovery(add, platform: str, rng: np.random.Generator, _failed: int) -> None:
    start = {"process": 0.003, "container": 0.3, "vm": 3.0}[platform]
    for rep in range(4):
        common = dict(repetition=rep, warmup=rep == 0)
        add("recovery", "C11", platform, "scale_out_s", "s", start * 1.2 * rng.uniform(0.9, 1.1),
            detail={"n": 3, "ready_s": [start, start]}, **common)
        by = "engine" if platform == "container" else "collector"
        add("recovery", "C11", platform, "recover_s", "s", start * 1.4 * rng.uniform(0.9, 1.1),
            detail={"restarted_by": by, "signal": "SIGKILL"}, **common)
