"""The sample table's columns and the rules a valid dataset obeys.

This is the contract between collector and reportgen: one row per raw sample,
long format. `docs/dataset-format.md` documents each column; keep the two in
step. The schema version lives here and nowhere else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from collector.dataset import names
from collector.dataset.families import FAMILIES as FAMILY_NAMES, PLATFORM_NAMES, family_of

SCHEMA_VERSION = 2
"""Current schema version, written to the manifest and to the Parquet metadata.

v2 added what each platform is (family, engine, runtime, machine and their versions) to every row."""

PARQUET_META_KEY = b"vmcbench.schema_version"
SAMPLES_FILE = "samples.parquet"
MANIFEST_FILE = "manifest.json"

PLATFORMS = PLATFORM_NAMES
FAMILIES = FAMILY_NAMES
ACCELERATORS = ("none", "kvm", "tcg")
DURATION_UNITS = ("s",)
NON_NEGATIVE_UNITS = ("s", "bytes", "count", "MiB")

NOT_APPLICABLE = "not applicable: "
"""How a failed row's error starts when a suite does not apply to a platform (what follows says why): such a
row is not a failure of the platform, and readers show the reason instead of a gap or a failure count."""

NOT_APPLICABLE_REASONS: dict[str, str] = {
    "shared_store": "layer reuse is a property of the image store, and {platform} uses Docker's, measured on container",
    "other_store": "layer reuse is measured through Docker's image store only; {platform}'s store is not measured",
}
"""The reasons the collector gives after NOT_APPLICABLE, as templates: a reader that knows a template (the
report's catalogs hold each one as a message) shows the reason in its own language, any other text as given."""

TS = pa.timestamp("us", tz="UTC")

SAMPLE_SCHEMA = pa.schema(
    [
        pa.field("sample_id", pa.int64(), nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("suite", pa.string(), nullable=False),
        pa.field("chart_id", pa.string(), nullable=False),
        pa.field("platform", pa.string(), nullable=False),
        pa.field("family", pa.string(), nullable=False),
        pa.field("engine", pa.string(), nullable=False),
        pa.field("engine_version", pa.string(), nullable=False),
        pa.field("runtime", pa.string(), nullable=False),
        pa.field("runtime_version", pa.string(), nullable=False),
        pa.field("machine", pa.string(), nullable=False),
        pa.field("workload", pa.string(), nullable=False),
        pa.field("metric", pa.string(), nullable=False),
        pa.field("unit", pa.string(), nullable=False),
        pa.field("value", pa.float64(), nullable=True),
        pa.field("repetition", pa.int32(), nullable=False),
        pa.field("warmup", pa.bool_(), nullable=False),
        pa.field("instance", pa.int32(), nullable=False),
        pa.field("phase", pa.string(), nullable=True),
        pa.field("accelerator", pa.string(), nullable=False),
        pa.field("host_id", pa.string(), nullable=False),
        pa.field("ok", pa.bool_(), nullable=False),
        pa.field("error", pa.string(), nullable=True),
        pa.field("detail", pa.string(), nullable=True),
        pa.field("started_at", TS, nullable=False),
        pa.field("recorded_at", TS, nullable=False),
    ]
)
COLUMNS = tuple(SAMPLE_SCHEMA.names)


class DatasetError(Exception):
    """A dataset cannot be read or written; the message is one line for the user."""


class SchemaTooNew(DatasetError):
    """The dataset was written by a newer collector than this one understands."""


@dataclass(frozen=True)
class Problem:
    """One reason a table is invalid, in words a user can act on."""

    reason: str

    def __str__(self) -> str:
        return self.reason


def conform(table: pa.Table, keep_dictionaries: bool = False) -> pa.Table:
    """Reorder and cast `table` to SAMPLE_SCHEMA, or raise DatasetError naming the gap.

    `keep_dictionaries`: text columns read as dictionaries stay dictionaries (of strings)."""
    missing = [c for c in COLUMNS if c not in table.column_names]
    if missing:
        raise DatasetError(f"missing column(s): {', '.join(missing)}")
    for column in COLUMNS:
        nulls = table.column(column).null_count
        if nulls and not SAMPLE_SCHEMA.field(column).nullable:
            raise DatasetError(f"column {column!r} has {nulls} empty value(s)")
    table = table.select(list(COLUMNS))
    try:
        return table.cast(pa.schema([_target(f, table.column(f.name).type, keep_dictionaries) for f in SAMPLE_SCHEMA]))
    except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError) as exc:
        raise DatasetError(f"column types do not match schema v{SCHEMA_VERSION}: {str(exc).splitlines()[0]}") from None


STRING_COLUMNS: tuple[str, ...] = tuple(f.name for f in SAMPLE_SCHEMA if pa.types.is_string(f.type))
"""The text columns: read from Parquet as dictionaries (few distinct values, many rows)."""


def _target(field: pa.Field, found: pa.DataType, keep_dictionaries: bool) -> pa.Field:
    """The schema's field, or for a text column read as a dictionary, the same dictionary of strings."""
    if keep_dictionaries and pa.types.is_string(field.type) and pa.types.is_dictionary(found):
        return field.with_type(pa.dictionary(found.index_type, pa.string()))
    return field


def encoded(table: pa.Table) -> pa.Table:
    """Every text column as one dictionary with the narrowest index its distinct values fit (int8 up to 127).

    What a reader holds in memory: the twenty text columns of ten million samples then take about a
    quarter of a GB, where their strings took over 5 GB (a sample's `detail` is hundreds of bytes, and
    repeats). The values are the same; only the Arrow types differ (`plain` turns them back).
    """
    columns = []
    for name in table.column_names:
        column = table.column(name)
        if pa.types.is_string(column.type):
            column = pc.dictionary_encode(column)
        if pa.types.is_dictionary(column.type):
            column = unified(column)
            distinct = len(column.chunk(0).dictionary) if column.num_chunks else 0
            column = column.cast(pa.dictionary(_index_for(distinct), pa.string()))
        columns.append(column)
    return pa.table(columns, schema=pa.schema([table.schema.field(n).with_type(c.type)
                                               for n, c in zip(table.column_names, columns)], table.schema.metadata))


def unified(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A dictionary column's chunks on one shared dictionary, the index widened if their union needs it
    (three hundred datasets' one-value dictionaries make a dictionary of three hundred)."""
    if not pa.types.is_dictionary(column.type) or column.num_chunks <= 1:
        return column
    distinct = len({v for chunk in column.chunks for v in chunk.dictionary.to_pylist()})
    index = _index_for(distinct)
    if index.bit_width > column.type.index_type.bit_width:
        column = column.cast(pa.dictionary(index, column.type.value_type))
    return pa.table({"column": column}).unify_dictionaries().column(0)


def _index_for(distinct: int) -> pa.DataType:
    return pa.int8() if distinct <= 127 else pa.int16() if distinct <= 32767 else pa.int32()


def plain(table: pa.Table) -> pa.Table:
    """`table` with its dictionary columns decoded to plain strings (for writing, and comparing tables)."""
    return table.cast(pa.schema([f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type) else f
                                 for f in table.schema], table.schema.metadata))


def problems(table: pa.Table) -> list[Problem]:
    """Check the rules a cast alone cannot: allowed values, finite numbers, no negative durations."""
    found: list[Problem] = []
    for column in COLUMNS:
        if not SAMPLE_SCHEMA.field(column).nullable and table.column(column).null_count:
            found.append(Problem(f"column {column!r} has {table.column(column).null_count} empty value(s)"))
    if found:
        return found
    if table.num_rows == 0:
        return [Problem("the dataset has no samples (zero rows)")]
    found += _name_problems(table)
    if found:
        return found

    def bad_values(column: str, allowed: tuple[str, ...]) -> None:
        values = set(pc.unique(table.column(column)).to_pylist()) - set(allowed)
        if values:
            shown = ", ".join(names.shown(v) for v in sorted(values, key=str)[:5])
            found.append(Problem(f"column {column!r} has unknown value(s): {shown}"))

    bad_values("platform", PLATFORMS)
    bad_values("family", FAMILIES)
    pairs = {(p, f) for p, f in zip(*pa.table([table.column("platform"), table.column("family")], names=["p", "f"])
                                     .group_by(["p", "f"]).aggregate([]).to_pydict().values())}
    wrong = sorted(f"{p}={f}" for p, f in pairs if p in PLATFORMS and f != family_of(p))
    if wrong:
        found.append(Problem(f"column 'family' disagrees with the platform: {', '.join(wrong)}"))
    bad_values("accelerator", ACCELERATORS)

    ids = table.column("sample_id").to_numpy()
    rising = bool(np.all(ids[1:] > ids[:-1]))  # how a collector writes them; else the costlier check
    if not rising and np.unique(ids).size != ids.size:
        found.append(Problem("sample_id is not unique"))

    ok = table.column("ok")
    value = table.column("value")
    ok_values = pc.filter(value, ok)
    if ok_values.null_count:
        found.append(Problem(f"{ok_values.null_count} sample(s) with ok=true have no value"))
    finite = pc.is_finite(pc.fill_null(ok_values, 0.0))
    non_finite = len(ok_values) - pc.sum(finite).as_py() if len(ok_values) else 0
    if non_finite:
        found.append(Problem(f"{non_finite} sample(s) with ok=true have a NaN or infinite value"))
    failed_errors = pc.filter(table.column("error"), pc.invert(ok))
    if failed_errors.null_count or (len(failed_errors) and pc.any(pc.equal(failed_errors, "")).as_py()):
        found.append(Problem("a sample with ok=false has no error text"))

    negative = pc.less(pc.fill_null(value, 0.0), 0.0)
    units = pc.filter(table.column("unit"), negative)  # the units of negative values only: usually none
    for unit in NON_NEGATIVE_UNITS if len(units) else ():
        count = pc.sum(pc.cast(pc.equal(units, unit), pa.int64())).as_py() or 0
        if count:
            kind = "duration" if unit in DURATION_UNITS else f"{unit} value"
            found.append(Problem(f"{count} negative {kind}(s) in column 'value'"))
    return found


def _name_problems(table: pa.Table) -> list[Problem]:
    """Identifier columns match names.NAME_PATTERN (few distinct values); text columns are bounded in length."""
    try:
        for column in names.NAME_COLUMNS:
            unique = pc.unique(table.column(column))
            if len(unique) > names.MAX_DISTINCT:
                raise names.InvalidName(f"column {column!r} has {len(unique):,} distinct values (at most {names.MAX_DISTINCT:,})")
            names.check_names(unique.to_pylist(), f"column {column!r}: value")
        names.check_names(pc.unique(table.column("unit")).to_pylist(), "column 'unit': value", names.check_unit)
        for column in names.TEXT_COLUMNS:
            longest = pc.max(pc.utf8_length(_values(table.column(column)))).as_py() or 0
            if longest > names.MAX_TEXT_CHARS:
                raise names.InvalidName(f"column {column!r} has a value {longest:,} characters long (at most {names.MAX_TEXT_CHARS:,})")
    except names.InvalidName as exc:
        return [Problem(str(exc))]
    return []


def _values(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A text column's strings: a dictionary column's distinct values (each once), else the column."""
    if pa.types.is_dictionary(column.type):
        return pa.chunked_array([chunk.dictionary for chunk in column.chunks], column.type.value_type)
    return column


def is_finite_number(x: float | None) -> bool:
    """True for a real, finite float; used when building rows one at a time."""
    return x is not None and not math.isnan(x) and not math.isinf(x)
