"""Bad datasets made from the golden one: each case copies `datasets/golden/reference/v1` and breaks one thing.

    path = make_case(tmp_path, "name_traversal")    # a version folder a reader must refuse with exit 2
    CASES                                          # every refused case by name, for parametrize

Tampering that should reach the checks behind the checksums rewrites the
manifest's sha256 of the changed file, as a careful attacker would.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa
import pyarrow.parquet as pq

GOLDEN = Path(__file__).resolve().parents[2] / "datasets" / "golden" / "reference" / "v1"
META_KEY = b"vmcbench.schema_version"

Case = Callable[[Path], None]
"""Breaks the copied version folder in place."""


def _manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "manifest.json").read_text("utf-8"))


def _write_manifest(folder: Path, manifest: Any) -> None:
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")


def _edit_manifest(change: Callable[[dict[str, Any]], Any]) -> Case:
    def case(folder: Path) -> None:
        manifest = _manifest(folder)
        result = change(manifest)
        _write_manifest(folder, manifest if result is None else result)
    return case


def _set(path: str, value: Any) -> Case:
    def change(manifest: dict[str, Any]) -> None:
        node = manifest
        *parents, last = path.split(".")
        for key in parents:
            node = node[key]
        node[last] = value
    return _edit_manifest(change)


def _rehash(folder: Path, name: str, data: bytes) -> None:
    (folder / name).write_bytes(data)
    manifest = _manifest(folder)
    manifest["files"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    _write_manifest(folder, manifest)


def _table(folder: Path) -> pa.Table:
    return pq.read_table(folder / "samples.parquet")


def _write_table(folder: Path, table: pa.Table, schema_version: bytes = b"1") -> None:
    meta = dict(table.schema.metadata or {})
    meta[META_KEY] = schema_version
    sink = pa.BufferOutputStream()
    pq.write_table(table.replace_schema_metadata(meta), sink)
    _rehash(folder, "samples.parquet", sink.getvalue().to_pybytes())


def _column(name: str, value: Any, rows: slice = slice(0, 1)) -> Case:
    """Set `name` to `value` on `rows` (default: the first row), checksum rewritten."""
    def case(folder: Path) -> None:
        table = _table(folder)
        values = table[name].to_pylist()
        for i in range(*rows.indices(len(values))):
            values[i] = value
        _write_table(folder, table.set_column(table.schema.get_field_index(name), name, pa.array(values, table[name].type)))
    return case


def _table_change(change: Callable[[pa.Table], pa.Table], schema_version: bytes = b"1") -> Case:
    def case(folder: Path) -> None:
        _write_table(folder, change(_table(folder)), schema_version)
    return case


def _distinct_workloads(n: int) -> Case:
    def change(table: pa.Table) -> pa.Table:
        big = table.take(pa.array([i % table.num_rows for i in range(n)]))
        big = big.set_column(0, "sample_id", pa.array(range(1, n + 1), pa.int64()))
        return big.set_column(big.schema.get_field_index("workload"), "workload", pa.array([f"w{i}" for i in range(n)]))
    return _table_change(change)


def _truncate(name: str) -> Case:
    def case(folder: Path) -> None:
        data = (folder / name).read_bytes()
        (folder / name).write_bytes(data[: len(data) // 2])
    return case


def _truncate_rehashed(folder: Path) -> None:
    data = (folder / "samples.parquet").read_bytes()
    _rehash(folder, "samples.parquet", data[: len(data) // 2])


def _flip_byte(folder: Path) -> None:
    data = bytearray((folder / "samples.parquet").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (folder / "samples.parquet").write_bytes(bytes(data))


def _symlink_samples(folder: Path) -> None:
    (folder / "samples.parquet").unlink()
    os.symlink(GOLDEN / "samples.parquet", folder / "samples.parquet")  # same bytes: the checksum matches


def _fifo_samples(folder: Path) -> None:
    (folder / "samples.parquet").unlink()
    os.mkfifo(folder / "samples.parquet")  # reading it would block for ever


def _raw_manifest(text: bytes) -> Case:
    def case(folder: Path) -> None:
        (folder / "manifest.json").write_bytes(text)
    return case


def _deep_manifest(folder: Path) -> None:
    (folder / "manifest.json").write_bytes(b"[" * 200_000 + b"]" * 200_000)


def _huge_manifest(folder: Path) -> None:
    manifest = _manifest(folder)
    manifest["notes"] = {f"n{i}": "x" * 1000 for i in range(3000)}  # 3 MB of short strings
    _write_manifest(folder, manifest)


BAD_NAMES: dict[str, str] = {
    "traversal": "../../../../tmp/x",
    "absolute": "/tmp/x",
    "nul": "a\x00b",
    "escape": "a\x1b[31mb",
    "newline": "a\nb",
    "long": "a" * 10_000,
    "division_slash": "a\u2215b",
    "fullwidth_slash": "a\uff0fb",
    "dotdot": "..",
    "space": "a b",
    "script": "<script>x</script>",
}

CASES: dict[str, Case] = {
    # manifest names
    **{f"dataset_{k}": _set("dataset", v) for k, v in BAD_NAMES.items()},
    **{f"version_{k}": _set("version", v) for k, v in BAD_NAMES.items() if k in ("traversal", "absolute", "nul", "long")},
    "version_trailing_newline": _set("version", "v1\n"),
    "version_arabic_digit": _set("version", "v\u0661"),
    "parent_version_traversal": _set("parent_version", "../v0"),
    "host_id_traversal": _set("host.host_id", "../../x"),
    "host_id_fullwidth_slash": _set("host.host_id", "a\uff0fb"),
    "files_traversal": _edit_manifest(lambda m: m["files"].update({"../../../../etc/passwd": {"sha256": "0"}})),
    "files_absolute": _edit_manifest(lambda m: m["files"].update({"/etc/passwd": {"sha256": "0"}})),
    "files_device": _edit_manifest(lambda m: m["files"].update({"/dev/zero": {"sha256": "0"}})),
    "files_too_many": _edit_manifest(lambda m: m["files"].update({f"f{i}": {"sha256": "0"} for i in range(100)})),
    # manifest shape and size
    "manifest_future_schema": _set("schema_version", 99),
    "manifest_truncated": _truncate("manifest.json"),
    "manifest_not_object": _raw_manifest(b"[1, 2, 3]"),
    "manifest_not_utf8": _raw_manifest(b"\xff\xfe{}"),
    "manifest_empty": _raw_manifest(b""),
    "manifest_deeply_nested": _deep_manifest,
    "manifest_huge": _huge_manifest,
    "manifest_huge_label": _set("host.label", "x" * 2_000_000),
    "manifest_no_schema_version": _edit_manifest(lambda m: m.pop("schema_version") and None),
    "manifest_long_label": _set("host.label", "x" * 10_000),
    "manifest_long_key": _edit_manifest(lambda m: m["notes"].update({"k" * 10_000: "v"})),
    "manifest_symlink": lambda f: ((f / "manifest.json").unlink(), os.symlink(GOLDEN / "manifest.json", f / "manifest.json")),
    # sample files
    "samples_truncated": _truncate("samples.parquet"),
    "samples_truncated_rehashed": _truncate_rehashed,
    "samples_tampered_byte": _flip_byte,
    "samples_missing_file": lambda f: (f / "samples.parquet").unlink(),
    "samples_symlink": _symlink_samples,
    "samples_fifo": _fifo_samples,
    "samples_future_parquet_schema": _table_change(lambda t: t, schema_version=b"99"),
    "samples_missing_column": _table_change(lambda t: t.drop_columns(["metric"])),
    "samples_wrong_type": _table_change(lambda t: t.set_column(t.schema.get_field_index("value"), "value", pa.array(["x"] * t.num_rows))),
    "samples_empty_table": _table_change(lambda t: t.slice(0, 0)),
    "samples_unknown_platform": _column("platform", "bare-metal"),
    "samples_unknown_accelerator": _column("accelerator", "hvf"),
    "samples_nan": _column("value", float("nan")),
    "samples_inf": _column("value", float("inf")),
    "samples_negative_duration": _column("value", -1.0),
    "samples_duplicate_id": _column("sample_id", 2),
    "samples_null_required": _column("suite", None),
    "samples_huge_workload": _column("workload", "w" * 2_000_000),
    "samples_huge_detail": _column("detail", "d" * 2_000_000),
    "samples_huge_error": _table_change(lambda t: t.set_column(
        t.schema.get_field_index("error"), "error", pa.array(["e" * 2_000_000] + [None] * (t.num_rows - 1)))),
    "samples_many_labels": _distinct_workloads(20_000),
    # every name column with a traversal, a control character and a look-alike of `/`
    **{f"column_{col}_{k}": _column(col, BAD_NAMES[k])
       for col in ("run_id", "suite", "chart_id", "workload", "metric", "unit", "phase", "host_id")
       for k in ("traversal", "nul", "escape", "division_slash", "script")},
}


def make_case(root: Path, name: str) -> Path:
    """A copy of the golden v1, broken as CASES[name] says; returns the version folder."""
    folder = root / "hostile" / name / "v1"
    shutil.copytree(GOLDEN, folder)
    CASES[name](folder)
    return folder


def tree_hashes(folder: Path) -> dict[str, str]:
    """sha256 (or link target, or file type) of everything under `folder`, without following links or FIFOs."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            out[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            out[rel] = "dir" if path.is_dir() else "other"
    return out


def every_path(root: Path) -> set[str]:
    """Every path under `root` (links not followed): what a run may not add to outside --out."""
    return {str(p.relative_to(root)) for p in root.rglob("*")}

