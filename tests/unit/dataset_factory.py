"""Valid sample tables and manifests for tests, so each test states only what it changes.

    from tests.unit.dataset_factory import make_manifest, make_samples

    make_samples(6)                                  # six valid startup rows
    make_samples(3, workload="tomcat")                # a scalar is repeated on every row
    make_samples(2, value=[0.5, float("nan")])       # a list gives one value per row
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pyarrow as pa

from collector.dataset import IDENTITY_COLUMNS, SAMPLE_SCHEMA
from collector.dataset.families import v1_identity

T0 = datetime(2024, 5, 1, 9, 0, 0, tzinfo=timezone.utc)
PLATFORM_CYCLE = ("process", "container", "vm")


def make_samples(n: int, **overrides: Any) -> pa.Table:
    """`n` valid rows of the startup suite (chart C3, start_time in seconds), as SAMPLE_SCHEMA.

    Platforms cycle process, container, vm; vm rows use accelerator "kvm",
    the others "none". Each keyword names a column: a list or tuple sets
    one value per row (its length must be `n`), anything else is repeated.
    Setting `platform` alone keeps `accelerator` consistent with it.
    """
    platforms = [PLATFORM_CYCLE[i % len(PLATFORM_CYCLE)] for i in range(n)]
    if "platform" in overrides:
        platforms = _per_row(overrides["platform"], n, "platform")
    columns: dict[str, list[Any]] = {
        "sample_id": list(range(1, n + 1)),
        "run_id": ["run-0001"] * n,
        "suite": ["startup"] * n,
        "chart_id": ["C3"] * n,
        "platform": platforms,
        "workload": ["hello-static"] * n,
        "metric": ["start_time"] * n,
        "unit": ["s"] * n,
        "value": [0.010 + 0.001 * i for i in range(n)],
        "repetition": [i // len(PLATFORM_CYCLE) for i in range(n)],
        "warmup": [False] * n,
        "instance": [0] * n,
        "phase": [None] * n,
        "accelerator": ["kvm" if p == "vm" else "none" for p in platforms],
        "host_id": ["host-test-01"] * n,
        "ok": [True] * n,
        "error": [None] * n,
        "detail": [None] * n,
        "started_at": [T0 + timedelta(seconds=i) for i in range(n)],
        "recorded_at": [T0 + timedelta(seconds=i, milliseconds=500) for i in range(n)],
    }
    identity = [v1_identity(p, {"kernel": "6.1.0-test", "docker_version": "26.1.0", "qemu_version": "7.2.0"})
                for p in platforms]
    for name in IDENTITY_COLUMNS:
        columns[name] = [row[name] for row in identity]
    unknown = set(overrides) - set(columns)
    if unknown:
        raise TypeError(f"make_samples: no such column(s): {', '.join(sorted(unknown))}")
    for name, value in overrides.items():
        columns[name] = _per_row(value, n, name)
    return pa.table(columns, schema=SAMPLE_SCHEMA)


def _per_row(value: Any, n: int, name: str) -> list[Any]:
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"make_samples: {name} has {len(value)} values for {n} rows")
        return list(value)
    return [value] * n


def detail(**facts: Any) -> str:
    """A `detail` cell: a JSON object with sorted keys, non-ASCII text kept as is."""
    return json.dumps(facts, sort_keys=True, ensure_ascii=False)


def make_manifest(**overrides: Any) -> dict[str, Any]:
    """The caller's part of a manifest (what write_version does not add itself)."""
    manifest: dict[str, Any] = {
        "complete": True,
        "interrupted": False,
        "created_at": "2024-05-01T09:00:00Z",
        "collector": {"name": "vmcbench-collector", "version": "0.1.0"},
        "run": {"suites": ["startup"], "platforms": list(PLATFORM_CYCLE), "repetitions": 20, "warmup": 2},
        "host": {
            "cpu_model": "Test CPU",
            "cores": 8,
            "memory_bytes": 16 * 2**30,
            "kernel": "6.1.0-test",
            "os": "Debian GNU/Linux 12 (bookworm)",
            "docker_version": "26.1.0",
            "qemu_version": "7.2.0",
            "accelerator": "kvm",
            "cgroup_version": 2,
            "python": "3.11.7",
            "host_id": "host-test-01",
        },
        "artifacts": {},
        "skipped_platforms": {},
    }
    manifest.update(overrides)
    return manifest
