"""Reading and writing dataset versions: the only code that touches their files.

A dataset is `<root>/<name>/` holding versions `v1`, `v2`, ... Each version
holds `samples.parquet` and `manifest.json`. A version is *committed* when its
manifest exists; the manifest is written last, so readers never see a half
version, on a local disk (write aside, fsync, rename) as on an object store
(create-only PUTs, see s3_commit.py). Versions never change.

`s3://BUCKET/PREFIX/NAME` locations are `s3.S3Location`s (boto3, configured by
the standard AWS variables, imported only when one is used); other URIs go to
pyarrow filesystems; everything else is a local path.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from collector.dataset import names, s3, s3_commit
from collector.dataset.migrations import upgrade
from collector.dataset.samples_file import read_samples
from collector.dataset.schema import (
    MANIFEST_FILE,
    PARQUET_META_KEY,
    SAMPLES_FILE,
    SCHEMA_VERSION,
    DatasetError,
    SchemaTooNew,
    conform,
    encoded,
    problems,
)

VERSION_RE = names.VERSION_RE
DATASETS_ROOT_ENV = "VMCBENCH_DATASETS"


@dataclass(frozen=True)
class Location:
    """A folder on some filesystem: a local path or a URI such as s3://bucket/prefix."""

    fs: pafs.FileSystem
    path: str

    @classmethod
    def of(cls, where: str | os.PathLike[str]) -> "Location":
        text = os.fspath(where)
        if text.startswith("s3://"):
            return s3.S3Location.of(text)  # type: ignore[return-value]  # the same surface: child, name, exists, read_bytes
        if "://" in text:
            fs, path = pafs.FileSystem.from_uri(text)
            return cls(fs, path.rstrip("/"))
        return cls(pafs.LocalFileSystem(), str(Path(text).absolute()))

    @property
    def is_local(self) -> bool:
        return isinstance(self.fs, pafs.LocalFileSystem)

    def child(self, name: str) -> "Location":
        return Location(self.fs, f"{self.path}/{name}")

    @property
    def name(self) -> str:
        return self.path.rstrip("/").rsplit("/", 1)[-1]

    def exists(self) -> bool:
        return self.fs.get_file_info(self.path).type != pafs.FileType.NotFound

    def read_bytes(self) -> bytes:
        with self.fs.open_input_stream(self.path) as f:
            return f.read()

    def __str__(self) -> str:
        if self.is_local:
            return _relative_if_below_cwd(self.path)
        return f"{self.fs.type_name}://{self.path}"


def _relative_if_below_cwd(path: str) -> str:
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


@dataclass(frozen=True)
class Dataset:
    """One committed version: its manifest and its (upgraded, validated) samples."""

    location: Location
    manifest: dict[str, Any]
    samples: pa.Table
    """SAMPLE_SCHEMA's columns, the text ones as dictionaries of strings (`schema.encoded`; `plain` decodes)."""

    @property
    def name(self) -> str:
        return str(self.manifest["dataset"])

    @property
    def version(self) -> str:
        return str(self.manifest["version"])

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def complete(self) -> bool:
        return bool(self.manifest.get("complete", True))


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def committed_versions(dataset_root: Location) -> list[str]:
    """Committed versions of a dataset folder, oldest first."""
    if isinstance(dataset_root, s3.S3Location):
        return s3.committed_versions(dataset_root)
    if not dataset_root.exists():
        return []
    infos = dataset_root.fs.get_file_info(pafs.FileSelector(dataset_root.path, allow_not_found=True))
    numbered = []
    for info in infos:
        m = VERSION_RE.match(info.base_name)
        if m and info.type == pafs.FileType.Directory and dataset_root.child(info.base_name).child(MANIFEST_FILE).exists():
            numbered.append((int(m.group(1)), info.base_name))
    return [name for _, name in sorted(numbered)]


def _all_version_numbers(dataset_root: Location) -> list[int]:
    if isinstance(dataset_root, s3.S3Location):
        return sorted(s3.versions(dataset_root))
    if not dataset_root.exists():
        return []
    infos = dataset_root.fs.get_file_info(pafs.FileSelector(dataset_root.path, allow_not_found=True))
    return [int(m.group(1)) for info in infos if (m := VERSION_RE.match(info.base_name))]


def resolve(where: str | os.PathLike[str]) -> Location:
    """Turn a user's dataset reference into one committed version folder.

    Accepts a version folder, a dataset folder (its newest committed version),
    or `name@version` looked up under $VMCBENCH_DATASETS (default `datasets`).
    """
    text = os.fspath(where)
    if "@" in text and "://" not in text and not Path(text).exists():
        name, _, version = text.partition("@")
        root = os.environ.get(DATASETS_ROOT_ENV, "datasets")
        loc = Location.of(root).child(name).child(version)
        if not loc.child(MANIFEST_FILE).exists():
            raise DatasetError(f"{text}: no committed version {version!r} of dataset {name!r} under {root}")
        return loc
    loc = Location.of(text)
    if loc.child(MANIFEST_FILE).exists():
        return loc
    versions = committed_versions(loc)
    if versions:
        return loc.child(versions[-1])
    if not loc.exists():
        raise DatasetError(f"{text}: no such dataset")
    raise DatasetError(f"{text}: no committed dataset version here (no {MANIFEST_FILE})")


def read_dataset(where: str | os.PathLike[str], *, verify_checksums: bool = True) -> Dataset:
    """Read, check and upgrade one dataset version; every failure is a one-line DatasetError."""
    loc = resolve(where)
    manifest_loc = loc.child(MANIFEST_FILE)
    try:
        manifest = names.parse_manifest(_read_regular(manifest_loc, names.MAX_MANIFEST_BYTES))
    except names.InvalidName as exc:
        raise DatasetError(f"{manifest_loc}: {exc}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DatasetError(f"{manifest_loc}: unreadable manifest ({names.printable(str(exc))})") from None
    if not isinstance(manifest, dict):
        raise DatasetError(f"{manifest_loc}: manifest is not a JSON object")
    schema_version = manifest.get("schema_version")
    if not isinstance(schema_version, int):
        raise DatasetError(f"{manifest_loc}: manifest has no integer schema_version")
    if schema_version > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"{manifest_loc}: written with dataset schema v{schema_version}, this reader knows up to "
            f"v{SCHEMA_VERSION}; upgrade vmcbench to read it"
        )
    files = manifest.get("files")
    if not isinstance(files, dict) or SAMPLES_FILE not in files:
        raise DatasetError(f"{manifest_loc}: manifest lists no {SAMPLES_FILE}")
    try:
        names.check_manifest_names(manifest)
    except names.InvalidName as exc:
        raise DatasetError(f"{manifest_loc}: {exc}") from None

    blobs: dict[str, bytes] = {}
    for fname, meta in sorted(files.items()):
        floc = loc.child(fname)
        try:
            blobs[fname] = _read_regular(floc, None)
        except names.InvalidName as exc:
            raise DatasetError(f"{floc}: file listed in the manifest is {exc}") from None
        except OSError:
            raise DatasetError(f"{floc}: file listed in the manifest is missing") from None
        if verify_checksums and sha256_bytes(blobs[fname]) != meta.get("sha256"):
            raise DatasetError(f"{floc}: sha256 does not match the manifest (file changed or damaged)")

    samples_loc = loc.child(SAMPLES_FILE)
    try:
        table, pf = read_samples(pa.BufferReader(blobs.pop(SAMPLES_FILE)), schema_version == SCHEMA_VERSION)
    except (pa.ArrowInvalid, OSError) as exc:
        raise DatasetError(f"{samples_loc}: not a readable Parquet file ({str(exc).splitlines()[0]})") from None
    meta = pf.schema_arrow.metadata or {}
    file_version = meta.get(PARQUET_META_KEY)
    if file_version is None or not file_version.isdigit() or int(file_version) != schema_version:
        raise DatasetError(
            f"{samples_loc}: Parquet schema version {file_version!r} differs from the manifest's v{schema_version}"
        )
    try:
        table, manifest = upgrade(table, manifest, schema_version)
        table = encoded(conform(table, keep_dictionaries=True))
    except DatasetError as exc:
        raise DatasetError(f"{samples_loc}: {exc}") from None
    found = problems(table)
    if found:
        raise DatasetError(f"{samples_loc}: {found[0]}")
    return Dataset(loc, manifest, table)


def _read_regular(floc: Location, limit: int | None) -> bytes:
    """The bytes of a regular file (not a symlink, FIFO or device), at most `limit` of them."""
    if floc.is_local:
        info = os.lstat(floc.path)
        if not stat.S_ISREG(info.st_mode):
            kind = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a regular file"
            raise names.InvalidName(f"{kind} (refused: a dataset's files are read only as plain files)")
        if limit is not None and info.st_size > limit:
            raise names.InvalidName(f"file is {info.st_size:,} bytes (at most {limit:,})")
    data = floc.read_bytes()
    if limit is not None and len(data) > limit:  # an object store: measured once read
        raise names.InvalidName(f"file is {len(data):,} bytes (at most {limit:,})")
    return data


def _parquet_bytes(table: pa.Table) -> bytes:
    meta = dict(table.schema.metadata or {})
    meta[PARQUET_META_KEY] = str(SCHEMA_VERSION).encode()
    sink = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(meta), sink, compression="zstd")
    return sink.getvalue()


def _write_aside(target: Location, data: bytes) -> None:
    """Write bytes so that `target` appears whole or not at all."""
    if target.is_local:
        tmp = f"{target.path}.{uuid.uuid4().hex}.tmp"
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, target.path)
        dir_fd = os.open(os.path.dirname(target.path), os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    else:
        with target.fs.open_output_stream(target.path) as f:
            f.write(data)


def _claim_version(dataset_root: Location, requested: str | None = None) -> tuple[str, Location]:
    """Reserve the next version number; two writers at once get two numbers.

    With `requested`, reserve exactly that name or refuse: versions never change.
    """
    dataset_root.fs.create_dir(dataset_root.path, recursive=True)
    if requested is not None:
        if not VERSION_RE.match(requested):
            raise DatasetError(f"{requested!r} is not a version name (v1, v2, ...)")
        loc = dataset_root.child(requested)
        refuse_rewrite(loc)
        exists_error = DatasetError(f"{loc}: folder exists (an unfinished write?); versions never change")
        if loc.is_local:
            try:
                os.mkdir(loc.path)  # atomic: of two writers naming the same version, one loses
            except FileExistsError:
                raise exists_error from None
            return requested, loc
        if loc.exists():
            raise exists_error
        loc.fs.create_dir(loc.path)
        return requested, loc
    n = max(_all_version_numbers(dataset_root), default=0) + 1
    while True:
        name = f"v{n}"
        loc = dataset_root.child(name)
        if dataset_root.is_local:
            try:
                os.mkdir(loc.path)
                return name, loc
            except FileExistsError:
                n += 1
                continue
        if not loc.exists():
            dataset_root.fs.create_dir(loc.path)
            return name, loc
        n += 1


def write_version(
    dataset_root: str | os.PathLike[str],
    samples: pa.Table,
    manifest: dict[str, Any],
    *,
    extra_files: dict[str, bytes] | None = None,
    version: str | None = None,
) -> Dataset:
    """Validate `samples`, then write them as a new committed version of `dataset_root`.

    `manifest` holds the caller's part (run configuration, host, ...); this
    function adds the name, version, parent, schema version and checksums.
    Refuses an invalid table before writing anything, and an existing
    `version` when one is named.
    """
    root = Location.of(dataset_root)
    table = conform(samples)
    found = problems(table)
    if found:
        raise DatasetError(f"refusing to write {root}: {found[0]}")
    blobs = {SAMPLES_FILE: _parquet_bytes(table), **(extra_files or {})}
    _check_names_before_writing(root, manifest, blobs)
    if isinstance(root, s3.S3Location):
        version, loc, written = s3_commit.write_version(
            root, blobs, version, lambda v, parents: manifest_bytes(_full_manifest(manifest, root, v, parents, table, blobs)))
        return Dataset(loc, json.loads(written), table)  # type: ignore[arg-type]
    parents = committed_versions(root)
    version, loc = _claim_version(root, version)
    for fname, data in sorted(blobs.items()):
        _write_aside(loc.child(fname), data)
    full = _full_manifest(manifest, root, version, parents, table, blobs)
    _write_aside(loc.child(MANIFEST_FILE), manifest_bytes(full))
    return Dataset(loc, full, table)


def _full_manifest(
    manifest: dict[str, Any], root: Location, version: str, parents: list[str], table: pa.Table, blobs: dict[str, bytes]
) -> dict[str, Any]:
    """The caller's manifest plus what the store owns: name, version, parent, schema version, checksums."""
    return {
        **manifest,
        "schema_version": SCHEMA_VERSION,
        "dataset": root.name,
        "version": version,
        "parent_version": parents[-1] if parents else None,
        "sample_count": table.num_rows,
        "files": {f: {"sha256": sha256_bytes(d), "bytes": len(d)} for f, d in sorted(blobs.items())},
    }


def _check_names_before_writing(root: Location, manifest: dict[str, Any], blobs: dict[str, bytes]) -> None:
    """The names and limits readers enforce, checked before anything is written (see names.py)."""
    draft = {**manifest, "dataset": root.name, "version": "v1", "files": {f: {} for f in blobs}}
    try:
        names.check_name(root.name, "dataset name (the folder's name)")
        names.check_manifest_names(names.parse_manifest(manifest_bytes(draft)))
    except names.InvalidName as exc:
        raise DatasetError(f"refusing to write {root}: {exc}") from None


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The one serialisation of a manifest: sorted keys, UTF-8, trailing newline."""
    return (json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def refuse_rewrite(loc: Location) -> None:
    """Raise if `loc` already holds a committed version: versions are immutable."""
    if loc.child(MANIFEST_FILE).exists():
        raise DatasetError(f"{loc}: version already committed; versions never change, write a new one")


def uncommitted_versions(dataset_root: Location) -> list[Location]:
    """Version folders without a manifest: left by a writer that was killed."""
    if isinstance(dataset_root, s3.S3Location):
        return s3.uncommitted_versions(dataset_root)  # type: ignore[return-value]
    return [
        dataset_root.child(f"v{n}")
        for n in sorted(_all_version_numbers(dataset_root))
        if not dataset_root.child(f"v{n}").child(MANIFEST_FILE).exists()
    ]
