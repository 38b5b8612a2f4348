"""Explicit upgrade steps from older schema versions to the current one.

Versions on disk never change; readers upgrade in memory, one step at a time,
so each step is small and tested on its own (as asv does for its result files).
"""

from __future__ import annotations

from typing import Callable

import pyarrow as pa
import pyarrow.compute as pc

from collector.dataset.families import IDENTITY_COLUMNS, v1_identity
from collector.dataset.schema import SCHEMA_VERSION, DatasetError

Step = Callable[[pa.Table, dict], tuple[pa.Table, dict]]

_CHART_OF_SUITE_V0 = {"startup": "C3"}


def _v0_to_v1(table: pa.Table, manifest: dict) -> tuple[pa.Table, dict]:
    """Schema 0 (the pre-release draft) stored start times only.

    It had a `seconds` column instead of `value` + `unit`, no chart id, no
    accelerator or host id per row, and no `detail`. The accelerator and host
    id come from its manifest, which already recorded them once per run.
    """
    n = table.num_rows
    host = manifest.get("host", {})
    accel = host.get("accelerator") or "none"
    phase = table.column("phase") if "phase" in table.column_names else pa.nulls(n, pa.string())
    is_vm = pc.equal(table.column("platform"), "vm")
    chart = pc.if_else(pc.is_null(phase), pa.scalar(_CHART_OF_SUITE_V0.get("startup")), pa.scalar("C5"))
    table = table.rename_columns(["value" if c == "seconds" else c for c in table.column_names])
    table = table.append_column("unit", pa.array(["s"] * n, pa.string()))
    table = table.append_column("chart_id", chart)
    table = table.append_column("accelerator", pc.if_else(is_vm, pa.scalar(accel), pa.scalar("none")))
    table = table.append_column("host_id", pa.array([host.get("host_id", "unknown")] * n, pa.string()))
    table = table.append_column("detail", pa.nulls(n, pa.string()))
    manifest = {**manifest, "schema_version": 1}
    return table, manifest


def _v1_to_v2(table: pa.Table, manifest: dict) -> tuple[pa.Table, dict]:
    """Schema 2 says on every row what the platform is: family, engine, runtime, machine and versions.

    A v1 dataset knew only `process`, `container` (Docker + runc) and `vm` (QEMU's default machine),
    so each row's identity follows from its platform name and the manifest's host record (Docker and
    QEMU versions, the host kernel); the manifest gains the same per platform under `platforms`.
    """
    host = manifest.get("host") if isinstance(manifest.get("host"), dict) else {}
    names = sorted({str(p) for p in table.column("platform").to_pylist()}) if "platform" in table.column_names else []
    identities = {name: v1_identity(name, host) for name in names}
    platform = table.column("platform")
    for column in IDENTITY_COLUMNS:
        if column in table.column_names:
            continue
        values = pa.array([identities[str(p)][column] for p in platform.to_pylist()], pa.string())
        table = table.append_column(column, values)
    platforms = manifest.get("platforms") if isinstance(manifest.get("platforms"), dict) else {}
    manifest = {**manifest, "schema_version": 2, "platforms": {**identities, **platforms}}
    return table, manifest


MIGRATIONS: dict[int, Step] = {0: _v0_to_v1, 1: _v1_to_v2}
"""Step from schema N to N+1, keyed by N."""


def upgrade(table: pa.Table, manifest: dict, from_version: int) -> tuple[pa.Table, dict]:
    """Apply each step from `from_version` up to SCHEMA_VERSION, in order."""
    version = from_version
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise DatasetError(f"no migration from schema v{version} to v{version + 1}")
        table, manifest = step(table, manifest)
        version += 1
    return table, manifest
