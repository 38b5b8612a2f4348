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

from collector.dataset import SAMPLE_SCHEMA, write_version

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
    return pa.table(data, schema=SAMPLE_SCHEMA)


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
