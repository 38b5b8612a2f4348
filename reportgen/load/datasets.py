"""Read datasets through collector.dataset, check what reportgen relies on, and make one tidy table.

The tidy table is the long sample table of every dataset given, cut to the
columns statistics need, with a `dataset` column (`name@version`) and the
string columns dictionary-encoded (a million rows stay small in memory).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from collector.dataset import (
    DATASETS_ROOT_ENV,
    METRICS,
    SAMPLES_FILE,
    Dataset,
    DatasetError,
    deck_platform_of,
    expand_datasets,
    read_dataset,
    unified,
)

GOLDEN = ("golden", "reference")
"""Default dataset: the newest committed version of `<datasets root>/golden/reference`."""

TIDY_COLUMNS: tuple[str, ...] = (
    "suite",
    "chart_id",
    "platform",
    "accelerator",
    "workload",
    "metric",
    "unit",
    "phase",
    "value",
    "ok",
    "warmup",
    "error",
    "repetition",
    "instance",
    "detail",
    "host_id",
)

def default_dataset() -> str:
    """Where the golden dataset lives: `$VMCBENCH_DATASETS/golden/reference`, default `datasets/...`."""
    return str(Path(os.environ.get(DATASETS_ROOT_ENV, "datasets"), *GOLDEN))


@dataclass(frozen=True)
class Loaded:
    """The datasets of one build, in the order given, and their samples as one tidy table."""

    datasets: tuple[Dataset, ...]
    samples: pa.Table

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(d.label for d in self.datasets)

    @property
    def created(self) -> datetime:
        """The newest `created_at` of the datasets: the build's only notion of "when" (never the clock)."""
        return max((parse_created(d.manifest.get("created_at")) for d in self.datasets), default=EPOCH)


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def parse_created(created_at: object) -> datetime:
    """A manifest's created_at as an aware UTC datetime; the Unix epoch when absent or unreadable."""
    if isinstance(created_at, str) and created_at:
        try:
            stamp = datetime.fromisoformat(created_at.replace("Z", "+00:00"))
        except ValueError:
            return EPOCH
        return (stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
    return EPOCH


def load(refs: Sequence[str]) -> Loaded:
    """Read and validate every dataset in `refs` (none: the golden one); one-line DatasetError on failure.

    A ref that is a folder or an s3:// prefix of datasets (a fleet's store) stands for the newest committed
    version of every dataset below it, in path order; many are read a few at a time (object stores answer
    each request in milliseconds, so reading is bound by round trips, not bytes).
    """
    refs = [found for ref in (list(refs) or [default_dataset()]) for found in expand_datasets(ref)]
    if len(refs) > 1:
        with ThreadPoolExecutor(max_workers=8) as pool:
            datasets = list(pool.map(_read_checked, refs))
    else:
        datasets = [_read_checked(ref) for ref in refs]
    labels = [d.label for d in datasets]
    duplicates = sorted({label for label in labels if labels.count(label) > 1})
    if duplicates:
        raise DatasetError(f"{duplicates[0]}: the same dataset version is given twice")
    return Loaded(tuple(datasets), tidy(datasets))


def _read_checked(ref: str) -> Dataset:
    try:
        dataset = read_dataset(ref)
    except DatasetError:
        raise
    except (OSError, ValueError, KeyError, TypeError) as exc:  # a reader bug or an I/O error still gets one line naming the input
        raise DatasetError(f"{ref}: cannot read dataset ({type(exc).__name__}: {exc})") from None
    check(dataset)
    return dataset


def check(dataset: Dataset) -> None:
    """The rules reportgen adds to the format's own: the rows it draws carry their catalogued unit and phase."""
    where = dataset.location.child(SAMPLES_FILE)
    table = dataset.samples
    # one pass over the rows: how many samples each (chart, metric, unit, phase given) combination has
    combos = pa.table({"chart_id": table["chart_id"], "metric": table["metric"], "unit": table["unit"],
                       "phased": pc.is_valid(table["phase"])}).group_by(["chart_id", "metric", "unit", "phased"])
    counts = combos.aggregate([([], "count_all")]).to_pylist()
    for m in METRICS:
        mine = [c for c in counts if c["chart_id"] == m.chart_id and c["metric"] == m.name]
        bad = sum(c["count_all"] for c in mine if c["unit"] != m.unit)
        if bad:
            raise DatasetError(f"{where}: {bad} {m.chart_id} {m.name} sample(s) not in unit {m.unit!r}")
        bad = sum(c["count_all"] for c in mine if m.phased and not c["phased"])
        if bad:
            raise DatasetError(f"{where}: {bad} {m.chart_id} {m.name} sample(s) name no phase")
    for key in ("created_at",):
        if key in dataset.manifest and not isinstance(dataset.manifest[key], str):
            raise DatasetError(f"{dataset.location.child('manifest.json')}: {key} is not a string")


ARTIFACT_KEYS: dict[str, tuple[str, ...]] = {
    "process": ("binary_sha256",),
    "container": ("image_id",),
    "vm": ("initramfs_sha256", "kernel_sha256"),
}
"""Per platform, the manifest `artifacts` key naming what ran (first one present): the image it ran."""

MANIFEST_COLUMNS: tuple[str, ...] = ("dataset", "artifact", "host_label", "host_name")
"""Columns tidy() adds from each dataset's manifest."""


def artifact_digest(manifest: dict[str, Any], platform: str) -> str | None:
    """The digest of what `platform` ran in this dataset (container image id, binary or initramfs sha256);
    a variant is looked up as its family's deck platform (crun, gVisor and Podman run the container image)."""
    for key in ARTIFACT_KEYS.get(deck_platform_of(platform), ()):
        value = manifest_get(manifest, "artifacts", platform, key)
        if isinstance(value, str) and value:
            return value
    return None


def host_label(manifest: dict[str, Any]) -> str:
    """A short, language-neutral description of the measuring host's set-up: CPU · OS · kernel · engine versions."""
    parts = [manifest_get(manifest, "host", key) for key in ("cpu_model", "os", "kernel")]
    docker = manifest_get(manifest, "host", "docker_version")
    qemu = manifest_get(manifest, "host", "qemu_version")
    parts.append(f"Docker {docker}" if docker else None)
    parts.append(f"QEMU {str(qemu).split(' ')[0]}" if qemu else None)
    return " · ".join(str(p) for p in parts if p) or "—"


def host_name(manifest: dict[str, Any]) -> str:
    """What to call the measuring host: the name the collector was given (`host.label`), else its id."""
    for key in ("label", "host_id"):
        value = manifest_get(manifest, "host", key)
        if isinstance(value, str) and value:
            return value
    return "—"


def _artifact_column(dataset: Dataset, table: pa.Table) -> pa.Array:
    """Per row, the digest of the artifact it ran: only rows of the run's own workload (not a suite's helpers)."""
    workload = manifest_get(dataset.manifest, "run", "workload")
    codes = np.full(table.num_rows, -1, dtype=np.int8)
    digests: list[str] = []
    if isinstance(workload, str) and table.num_rows:
        own = np.asarray(pc.fill_null(pc.equal(table["workload"], workload), False))
        platform = pc.dictionary_encode(table["platform"]).combine_chunks()  # one dictionary, its codes per row
        names = platform.dictionary.to_pylist()
        digest_code = np.full(len(names), -1, dtype=np.int8)
        for i, name in enumerate(names):
            digest = artifact_digest(dataset.manifest, str(name))
            if digest is not None:  # variants share their family's digest: each digest once in the dictionary
                if digest not in digests:
                    digests.append(digest)
                digest_code[i] = digests.index(digest)
        rows = platform.indices.to_numpy(zero_copy_only=False)
        codes[own] = digest_code[rows[own]]
    return pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0), pa.array(digests, pa.string()))


def _constant(text: str, rows: int) -> pa.Array:
    """One text repeated on every row, as a dictionary of one value (not `rows` copies of it)."""
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(rows, dtype=np.int8)), pa.array([text], pa.string()))


def tidy(datasets: Sequence[Dataset]) -> pa.Table:
    """One long table of all samples: TIDY_COLUMNS plus MANIFEST_COLUMNS, strings dictionary-encoded.

    The datasets' own columns are shared, not copied (read_dataset already holds text as dictionaries).
    """
    tables = []
    for dataset in datasets:
        t = dataset.samples.select(list(TIDY_COLUMNS))
        t = t.append_column("dataset", _constant(dataset.label, t.num_rows))
        t = t.append_column("artifact", _artifact_column(dataset, t))
        t = t.append_column("host_label", _constant(host_label(dataset.manifest), t.num_rows))
        t = t.append_column("host_name", _constant(host_name(dataset.manifest), t.num_rows))
        tables.append(t)
    if not tables:
        return pa.table({c: [] for c in (*TIDY_COLUMNS, *MANIFEST_COLUMNS)})
    combined = pa.concat_tables(tables, promote_options="permissive")  # index widths differ between datasets
    columns = []
    for name in combined.column_names:
        col = combined[name]
        if pa.types.is_string(col.type):
            col = pc.dictionary_encode(col)
        columns.append(unified(col) if len(tables) > 1 else col)  # one dataset's chunks share a dictionary
    return pa.table(columns, names=combined.column_names)


def manifest_get(manifest: dict[str, Any], *path: str, default: Any = None) -> Any:
    """`manifest["host"]["cpu_model"]` that tolerates missing levels (older or partial manifests)."""
    node: Any = manifest
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return default
        node = node[key]
    return node
