"""Accumulates raw samples as rows of the dataset schema, in measurement order.

A row is named by its suite and metric; its chart id and unit come from the
metric catalogue (collector/dataset/metrics.py), so a suite cannot emit a
metric the catalogue, the docs and reportgen do not know.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from collector.dataset import IDENTITY_COLUMNS, NOT_APPLICABLE, SAMPLE_SCHEMA, metric as catalogued
from collector.dataset.families import v1_identity


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass
class SampleLog:
    """Every sample of one run; failures are rows too (ok=False with the error)."""

    run_id: str
    host_id: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    identities: dict[str, dict[str, str]] = field(default_factory=dict)
    """Per platform name, what it is (family, engine, runtime, machine, versions): copied onto each of its rows.
    A platform never opened (a row saying why it was not measured) gets its family's parts, versions `unknown`."""

    def identity(self, platform: str) -> dict[str, str]:
        return self.identities.get(platform) or v1_identity(platform, {})

    def add(
        self,
        *,
        suite: str,
        platform: str,
        workload: str,
        metric: str,
        value: float | None,
        started_at: dt.datetime,
        repetition: int = 0,
        warmup: bool = False,
        instance: int = 0,
        phase: str | None = None,
        accelerator: str = "none",
        error: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Record one sample; passing `error` marks it failed (its value may be None).

        ValueError if the catalogue has no such metric, or if a phased metric comes without a phase.
        """
        entry = catalogued(suite, metric)
        if entry.phased and phase is None:
            raise ValueError(f"metric {metric!r} of suite {suite!r} needs a phase")
        self.rows.append(
            {
                "sample_id": len(self.rows),
                "run_id": self.run_id,
                "suite": suite,
                "chart_id": entry.chart_id,
                "platform": platform,
                **{k: self.identity(platform)[k] for k in IDENTITY_COLUMNS},
                "workload": workload,
                "metric": metric,
                "unit": entry.unit,
                "value": None if value is None else float(value),
                "repetition": repetition,
                "warmup": warmup,
                "instance": instance,
                "phase": phase,
                "accelerator": accelerator,
                "host_id": self.host_id,
                "ok": error is None,
                "error": error,
                "detail": json.dumps(detail, sort_keys=True, ensure_ascii=False) if detail else None,
                "started_at": started_at,
                "recorded_at": utc_now(),
            }
        )

    def not_applicable(self, reason: str, **row: Any) -> None:
        """A row saying the suite does not apply to this platform, and why (a failed row; not a platform's failure)."""
        self.add(value=None, error=NOT_APPLICABLE + reason, **row)

    def __len__(self) -> int:
        return len(self.rows)

    def table(self) -> pa.Table:
        return pa.Table.from_pylist(self.rows, schema=SAMPLE_SCHEMA)
