"""Publishing dataset versions on the site: which ones, their files, a CSV export, checksums, per-suite tables.

    entries = published_datasets(config.publish, loaded.datasets)   # resolve, read, verify
    files = write_files(entry, out / "datasets")                    # manifest, Parquet, CSV, SHA256SUMS

The Parquet file and the manifest are copied byte for byte (their sha256 is
checked against the manifest first); the CSV is generated from the samples
with pyarrow, so the same dataset always gives the same CSV bytes.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from collector.dataset import (
    DATASETS_ROOT_ENV,
    MANIFEST_FILE,
    Dataset,
    DatasetError,
    InvalidName,
    Location,
    categorical_frame,
    check_name,
    committed_versions,
    is_name,
    read_dataset,
    texts_in,
    unit_groups,
    usable,
)

from reportgen.i18n.catalogs import Translator
from reportgen.pages.contexts import Cell, DataTable, Row
from reportgen.i18n.vocab import PHASE_ORDER, platform_label, platform_rank

CSV_FILE = "samples.csv"
SUMS_FILE = "SHA256SUMS"


@dataclass(frozen=True)
class PublishedDataset:
    """One dataset version the site publishes, and where its files go under `datasets/`."""

    dataset: Dataset
    key: str
    """Path of its files under the site's `datasets/` folder: `golden/reference/v1`."""
    in_report: bool
    """The report, handout and slides were built from it."""

    @property
    def slug(self) -> str:
        """File name of its page (without .html): `golden-reference-v1`."""
        return self.key.replace("/", "-")


@dataclass(frozen=True)
class PublishedFile:
    name: str
    sha256: str
    size: int


def datasets_root() -> Path:
    return Path(os.environ.get(DATASETS_ROOT_ENV, "datasets")).absolute()


def published_datasets(publish: Sequence[str], report: Sequence[Dataset]) -> tuple[PublishedDataset, ...]:
    """Every version `publish` names (see SiteConfig.publish), then the report's datasets not among them.

    Versions of one dataset are listed newest first. A reference that names
    nothing is a one-line DatasetError, except that with no datasets root at
    all ($VMCBENCH_DATASETS unset, no ./datasets) relative references are left out.
    """
    root = datasets_root()
    if not root.is_dir() and DATASETS_ROOT_ENV not in os.environ:
        # not run from a clone (an installed reportgen elsewhere): there is no datasets root to publish
        # from, so relative entries name nothing; the report's own datasets are still published
        publish = [ref for ref in publish if Path(ref).is_absolute()]
    found = [d for ref in publish for d in _versions(ref, root)]
    in_report = {_where(d) for d in report}
    seen: set[str] = set()
    entries: list[PublishedDataset] = []
    for dataset in (*found, *report):
        where = _where(dataset)
        if where in seen:
            continue
        seen.add(where)
        entries.append(PublishedDataset(dataset, _key(dataset, root), where in in_report))
    keys = [e.key for e in entries]
    clash = sorted({k for k in keys if keys.count(k) > 1})
    if clash:
        raise DatasetError(f"{clash[0]}: two published datasets would share this folder on the site")
    return tuple(entries)


def _versions(ref: str, root: Path) -> list[Dataset]:
    """name@version or a version folder: that version; a dataset folder: its versions, newest first;
    a folder of datasets: each dataset's versions, datasets in name order."""
    if "@" in ref and not Path(ref).exists():
        return [read_dataset(ref)]
    path = Path(ref) if Path(ref).is_absolute() else root / ref
    loc = Location.of(str(path))
    if loc.child(MANIFEST_FILE).exists():
        return [read_dataset(str(path))]
    versions = committed_versions(loc)
    if versions:
        return [read_dataset(str(path / version)) for version in reversed(versions)]
    if path.is_dir():
        children = [c for c in sorted(path.iterdir()) if c.is_dir() and committed_versions(Location.of(str(c)))]
        if children:
            return [d for child in children for d in _versions(str(child), root)]
    raise DatasetError(f"{ref}: nothing to publish (no committed dataset version in {path})")


def _where(dataset: Dataset) -> str:
    return str(dataset.location)


def _key(dataset: Dataset, root: Path) -> str:
    """Where its files go on the site, made only of validated names (never `..`, `/` or a look-alike).

    Under the datasets root: its folders there (`golden/reference/v1`) when each is a valid name;
    anywhere else: `<dataset>/<version>` from its (validated) manifest.
    """
    if dataset.location.is_local:
        try:
            parts = Path(dataset.location.path).relative_to(root).parts
        except ValueError:
            parts = ()
        if parts and len(parts) <= 8 and all(is_name(p) for p in parts) and parts[-1] == dataset.version:
            return "/".join(parts)
    try:
        return f"{check_name(dataset.name, 'dataset name')}/{check_name(dataset.version, 'version')}"
    except InvalidName as exc:  # read_dataset already refused these; kept so no path is ever built unchecked
        raise DatasetError(f"{dataset.location}: {exc}") from None


def inside(root: Path, target: Path) -> Path:
    """`target` if it lies under `root` once resolved, else DatasetError: nothing is written outside the build."""
    if not target.resolve().is_relative_to(root.resolve()):
        raise DatasetError(f"{target}: would be written outside {root}; refused")
    return target


# files ----------------------------------------------------------------------------------


FORMULA_START = "^[=+\\-@\t\r]"
"""A text cell starting like this is a formula to a spreadsheet (OWASP "CSV injection")."""


CSV_MAX_SAMPLES = 1_048_575
"""Most samples a CSV export holds: a spreadsheet's 1,048,576 rows, the header one of them. A bigger dataset
is published as Parquet only (its CSV would be gigabytes no spreadsheet opens); its page says so."""


def has_csv(dataset: Dataset) -> bool:
    return dataset.samples.num_rows <= CSV_MAX_SAMPLES


def csv_note(dataset: Dataset, tr: Translator) -> str | None:
    """Why a dataset's page offers no CSV export; None when it offers one."""
    if has_csv(dataset):
        return None
    return tr("No CSV export: its {samples} samples are more rows than a spreadsheet holds ({rows}); "
              "the Parquet file has them all.").format(samples=tr.integer(dataset.samples.num_rows),
                                                       rows=tr.integer(CSV_MAX_SAMPLES + 1))


def write_csv(dataset: Dataset, sink: io.RawIOBase | io.BufferedIOBase) -> None:
    """The samples as CSV (header row, one row per sample, file order; deterministic for a given dataset)
    into `sink`, a record batch at a time (its bytes are never all in memory)."""
    table = neutralised(dataset.samples)
    options = pacsv.WriteOptions(include_header=True, quoting_style="needed")
    with pacsv.CSVWriter(sink, table.schema, write_options=options) as writer:
        for batch in table.to_batches(max_chunksize=1 << 16):
            writer.write_batch(batch)


def neutralised(table: pa.Table) -> pa.Table:
    """Text cells that start with `=`, `+`, `-`, `@`, tab or CR get a leading `'`, so spreadsheets show them as text.

    Only string columns: numbers (a negative value) stay numbers. A dictionary column is neutralised in its
    dictionary (each distinct text once).
    """
    columns = []
    for name in table.column_names:
        column = table[name]
        if pa.types.is_dictionary(column.type):
            column = pa.chunked_array([pa.DictionaryArray.from_arrays(c.indices, _neutral(c.dictionary))
                                       for c in column.chunks], column.type)
        elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            column = _neutral(column)
        columns.append(column)
    return pa.table(columns, schema=table.schema)


def _neutral(texts: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    formula = pc.fill_null(pc.match_substring_regex(texts, FORMULA_START), False)
    if not pc.any(formula).as_py():
        return texts
    return pc.if_else(formula, pc.binary_join_element_wise("'", texts, ""), texts)


def write_files(entry: PublishedDataset, target_root: Path) -> tuple[PublishedFile, ...]:
    """Write the version's manifest and Parquet (verified copies), its CSV export (see CSV_MAX_SAMPLES) and
    SHA256SUMS; the CSV is hashed as it is streamed to its file, never held whole in memory."""
    dataset = entry.dataset
    target = inside(target_root, target_root / entry.key)
    target.mkdir(parents=True, exist_ok=True)
    files = [_copy(dataset.location.child(MANIFEST_FILE), target / MANIFEST_FILE, None)]
    for name, meta in sorted(dataset.manifest.get("files", {}).items()):
        files.append(_copy(dataset.location.child(name), inside(target_root, target / name), meta.get("sha256")))
    if has_csv(dataset):
        with open(target / CSV_FILE, "wb") as raw:
            sink = _Hashing(raw)
            write_csv(dataset, sink)
        files.append(PublishedFile(CSV_FILE, sink.digest.hexdigest(), sink.size))
    files.sort(key=lambda f: f.name)
    sums = "".join(f"{f.sha256}  {f.name}\n" for f in files).encode()
    (target / SUMS_FILE).write_bytes(sums)
    return (*files, PublishedFile(SUMS_FILE, hashlib.sha256(sums).hexdigest(), len(sums)))


def _copy(source: Location, target: Path, expected: str | None) -> PublishedFile:
    """Copy a dataset file; with `expected`, refuse it (nothing left behind) unless its sha256 matches."""
    data = source.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if expected is not None and digest != expected:
        raise DatasetError(f"{source}: sha256 does not match the manifest (file changed)")
    target.write_bytes(data)
    return PublishedFile(target.name, digest, len(data))


class _Hashing(io.RawIOBase):
    """A write-only stream that hashes and counts what passes through to `raw`."""

    def __init__(self, raw: io.BufferedIOBase) -> None:
        self.raw, self.digest, self.size = raw, hashlib.sha256(), 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(data)
        self.digest.update(view)
        self.size += view.nbytes
        self.raw.write(view)
        return view.nbytes


# tables -----------------------------------------------------------------------------------

GROUP_KEYS: tuple[str, ...] = ("chart_id", "metric", "platform", "accelerator", "workload", "phase", "unit")


def suites(dataset: Dataset) -> list[str]:
    return sorted(set(pc.unique(dataset.samples["suite"]).to_pylist()))


def suite_groups(dataset: Dataset) -> dict[str, list[dict]]:
    """Per suite, its groups (chart id, metric, platform, phase, unit) with runs, median, CI and failures,
    in table order: the language-free part of `suite_table`, computed once for every language."""
    return {suite: _groups_of(dataset, suite) for suite in suites(dataset)}


def _groups_of(dataset: Dataset, suite: str) -> list[dict]:
    table = dataset.samples
    rows_of_suite = table.filter(texts_in(table["suite"], [suite]))
    frame = usable(categorical_frame(rows_of_suite.select(["suite", *GROUP_KEYS, "value", "ok", "error", "warmup"]), fill=""))
    summary = unit_groups(frame, ("suite", *GROUP_KEYS)).to_dict("records") if len(frame) else []
    return sorted(
        summary,
        key=lambda g: (
            _chart_number(g["chart_id"]), g["metric"], platform_rank(g["platform"]), g["platform"], g["accelerator"],
            g["workload"], PHASE_ORDER.index(g["phase"]) if g["phase"] in PHASE_ORDER else len(PHASE_ORDER),
            g["phase"], g["unit"],
        ),
    )


def suite_table(ordered: list[dict], suite: str, tr: Translator) -> DataTable:
    """One row per chart id, metric, platform and phase of `suite` (its `suite_groups`): runs, median with
    95% CI, failures. Warm-up samples are left out, failed ones counted, as in every statistic of the report.
    """
    keys = ("chart_id", "metric", "platform", "phase", "unit", "n", "median", "low", "high", "failures")
    header = {
        "chart_id": tr("Chart"),
        "metric": tr("Metric"),
        "platform": tr("Platform"),
        "phase": tr("Phase or part"),
        "unit": tr("Unit"),
        "n": tr("Runs"),
        "median": tr("Median"),
        "low": tr("CI low"),
        "high": tr("CI high"),
        "failures": tr("Failed runs"),
    }
    fmt = tr.units
    rows = []
    for g in ordered:
        chart_id, metric, platform, phase, unit = g["chart_id"], g["metric"], g["platform"], g["phase"], g["unit"]
        cells = {
            "chart_id": Cell(str(chart_id)),
            "metric": Cell(str(metric)),
            "platform": Cell(platform_label(str(platform), str(g["accelerator"]), tr)),
            "phase": Cell(str(phase) or "—"),
            "unit": Cell(str(unit)),
            "n": Cell(tr.integer(g["n"]), float(g["n"])),
            "failures": Cell(tr.integer(g["failures"]), float(g["failures"])),
        }
        for name in ("median", "low", "high"):
            value = float(g[name]) if g["n"] else float("nan")
            cells[name] = Cell(fmt.value(value, str(unit), bool(g["exact"])), value) if np.isfinite(value) else Cell("—")
        ident = (("chart", str(chart_id)), ("metric", str(metric)), ("platform", str(platform)), ("phase", str(phase)))
        rows.append(Row(tuple(cells[k] for k in keys), ident))
    return DataTable(
        caption=tr("Suite {suite}: median and 95% confidence interval per measured quantity; warm-up runs excluded.").format(
            suite=suite
        ),
        columns=tuple(header[k] for k in keys),
        keys=keys,
        rows=tuple(rows),
    )


def _chart_number(chart_id: object) -> int:
    text = str(chart_id)
    return int(text[1:]) if text[:1] == "C" and text[1:].isdigit() else 999
