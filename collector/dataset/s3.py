"""Dataset locations on an S3-compatible object store (AWS S3, MinIO, Ceph RGW) through boto3.

`store.Location.of("s3://BUCKET/PREFIX/NAME")` returns an `S3Location`: the
same small surface store.py uses for a local folder (child, name, path,
exists, read_bytes, str). The client is configured only by the standard AWS
variables (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_REGION, AWS_PROFILE); boto3 is imported on first use, so a local dataset
never imports it and nothing touches the network offline. Every store error
becomes one `S3LocationError` (a DatasetError) line naming the location.

Listing is one paginated `list_objects_v2` without delimiter, filtered here:
O(objects / 1000) requests for any number of datasets and versions
(`scan`). Writing (claims, create-only PUTs, cleanup) is in s3_commit.py.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, NoReturn

from collector.dataset import names
from collector.dataset.schema import MANIFEST_FILE, DatasetError

VERSION_RE = names.VERSION_RE  # v1, v2, ...: ASCII digits, nothing after (names.py)
CONFLICT_RETRIES = 5
AWS_VARS = ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_REGION")
"""At least one must be set before an s3:// location talks to anything (no guessing, no metadata-service probe)."""


class S3LocationError(DatasetError):
    """A store failure, as one line naming the location."""


class S3LostRace(S3LocationError):
    """Another writer holds this version number after all; the writer claims the next one."""


def _boto() -> tuple[Any, Any, Any]:
    import boto3  # lazy: local datasets never import boto3
    import botocore.config
    import botocore.exceptions

    return boto3, botocore.config, botocore.exceptions


@lru_cache(maxsize=None)
def client() -> Any:
    """One boto3 S3 client per process (thread-safe), configured by the standard AWS variables only."""
    env = os.environ
    if not any(env.get(v) for v in AWS_VARS):
        raise S3LocationError(
            "s3:// location but none of AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_PROFILE, AWS_REGION is set; "
            "refusing to guess credentials over the network"
        )
    boto3, bconfig, _ = _boto()
    custom = env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL")
    cfg = bconfig.Config(
        region_name=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
        s3={"addressing_style": "path" if custom else "auto"},  # MinIO/Ceph: path style
        request_checksum_calculation="when_required",  # no CRC32 trailers older MinIO/Ceph reject; SHA256 is ours
        response_checksum_validation="when_supported",
        retries={"max_attempts": 5, "mode": "standard"},
        max_pool_connections=16,
    )
    return boto3.session.Session().client("s3", config=cfg)  # boto3 reads the endpoint and keys itself


def _code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


def _status(exc: Exception) -> int:
    return int(getattr(exc, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)


def is_precondition_failed(exc: Exception) -> bool:
    return _code(exc) == "PreconditionFailed" or _status(exc) == 412


def is_conflict(exc: Exception) -> bool:
    return _code(exc) == "ConditionalRequestConflict" or _status(exc) == 409


def is_missing(exc: Exception) -> bool:
    return _code(exc) in ("404", "NoSuchKey", "NotFound") or _status(exc) == 404


def fail(where: object, exc: Exception) -> NoReturn:
    """Raise `exc` (any botocore error) again as one line naming `where`."""
    code = _code(exc)
    message = str(getattr(exc, "response", {}).get("Error", {}).get("Message", "")) if code else str(exc)
    text = f"{code} ({message})" if code and message else code or message or type(exc).__name__
    raise S3LocationError(" ".join(f"{where}: {text}".split())) from None


def store_errors() -> tuple[type[Exception], ...]:
    """The exceptions a boto3 call may raise: client errors (4xx/5xx) and connection/credential errors."""
    _, _, bexc = _boto()
    return (bexc.ClientError, bexc.BotoCoreError)


@dataclass(frozen=True)
class S3Location:
    """`s3://bucket/key` with the surface of store.Location: child, name, path, exists, read_bytes, str."""

    bucket: str
    key: str
    """No leading or trailing slash; "" is the bucket root."""

    is_local = False

    @classmethod
    def of(cls, uri: str) -> "S3Location":
        m = re.match(r"^s3://([^/]+)/?(.*)$", uri)
        if not m:
            raise S3LocationError(f"{uri}: not an s3://BUCKET/PREFIX location")
        return cls(m.group(1), m.group(2).strip("/"))

    @property
    def path(self) -> str:
        return f"{self.bucket}/{self.key}".rstrip("/")

    def child(self, name: str) -> "S3Location":
        return S3Location(self.bucket, f"{self.key}/{name}" if self.key else name)

    @property
    def name(self) -> str:
        return self.key.rsplit("/", 1)[-1]

    @property
    def prefix(self) -> str:
        """Key prefix of everything below this location."""
        return f"{self.key}/" if self.key else ""

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    def exists(self) -> bool:
        """An object at this key, or any object below it (a "folder")."""
        try:
            client().head_object(Bucket=self.bucket, Key=self.key)
            return True
        except store_errors() as exc:
            if not is_missing(exc):
                fail(self, exc)
        try:
            return client().list_objects_v2(Bucket=self.bucket, Prefix=self.prefix, MaxKeys=1).get("KeyCount", 0) > 0
        except store_errors() as exc:
            fail(self, exc)

    def read_bytes(self) -> bytes:
        try:
            return client().get_object(Bucket=self.bucket, Key=self.key)["Body"].read()
        except store_errors() as exc:
            if is_missing(exc):
                raise FileNotFoundError(str(self)) from None
            fail(self, exc)

    def put_new(self, data: bytes) -> None:
        """Create this object or raise FileExistsError (412): never overwrites. Sends the sha256 with it."""
        digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
        for attempt in range(CONFLICT_RETRIES):
            try:
                client().put_object(Bucket=self.bucket, Key=self.key, Body=data, IfNoneMatch="*",
                                    ChecksumAlgorithm="SHA256", ChecksumSHA256=digest)
                return
            except store_errors() as exc:
                if is_precondition_failed(exc):
                    raise FileExistsError(str(self)) from None
                if is_conflict(exc) and attempt + 1 < CONFLICT_RETRIES:  # AWS: a racing conditional write in flight
                    time.sleep(0.05 * 2**attempt)
                    continue
                fail(self, exc)

    def verify(self, data: bytes) -> None:
        """Raise unless the stored object is `data`: the store's sha256 if it keeps one, else re-download and hash."""
        try:
            head = client().head_object(Bucket=self.bucket, Key=self.key, ChecksumMode="ENABLED")
        except store_errors() as exc:
            fail(self, exc)
        if head.get("ContentLength") != len(data):
            raise S3LocationError(f"{self}: stored {head.get('ContentLength')} bytes, wrote {len(data)}")
        stored = head.get("ChecksumSHA256")
        if stored and "-" not in stored:  # a "-N" suffix is a composite multipart checksum, not the object's
            if base64.b64decode(stored) != hashlib.sha256(data).digest():
                raise S3LocationError(f"{self}: stored sha256 differs from the bytes written")
            return
        if hashlib.sha256(self.read_bytes()).digest() != hashlib.sha256(data).digest():
            raise S3LocationError(f"{self}: re-downloaded bytes differ from the bytes written")

    def delete_keys(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        for i in range(0, len(keys), 1000):
            try:
                client().delete_objects(Bucket=self.bucket, Delete={
                    "Objects": [{"Key": k} for k in keys[i:i + 1000]], "Quiet": True})
            except store_errors() as exc:
                fail(self, exc)


@dataclass
class VersionInfo:
    """One version folder as the listing saw it: file name -> {size, mtime, etag}."""

    number: int
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"v{self.number}"

    @property
    def committed(self) -> bool:
        return MANIFEST_FILE in self.keys


def _pages(loc: S3Location) -> Iterable[dict[str, Any]]:
    try:
        yield from client().get_paginator("list_objects_v2").paginate(Bucket=loc.bucket, Prefix=loc.prefix)
    except store_errors() as exc:
        fail(loc, exc)


def scan(root: S3Location) -> dict[str, dict[int, VersionInfo]]:
    """One full listing of `root`: {dataset path relative to root ("" = root itself): {N: VersionInfo}}."""
    found: dict[str, dict[int, VersionInfo]] = {}
    for page in _pages(root):
        for obj in page.get("Contents", []):
            parts = obj["Key"][len(root.prefix):].split("/")
            for i in range(len(parts) - 2, -1, -1):  # the nearest vN folder above the file
                m = VERSION_RE.match(parts[i])
                if m:
                    info = found.setdefault("/".join(parts[:i]), {}).setdefault(int(m.group(1)), VersionInfo(int(m.group(1))))
                    info.keys["/".join(parts[i + 1:])] = {
                        "size": obj["Size"], "mtime": obj["LastModified"].timestamp(), "etag": obj.get("ETag")}
                    break
    return found


def versions(dataset_root: S3Location) -> dict[int, VersionInfo]:
    """The versions of one dataset, committed or not (one listing)."""
    return scan(dataset_root).get("", {})


def committed_versions(dataset_root: S3Location) -> list[str]:
    return [v.name for _, v in sorted(versions(dataset_root).items()) if v.committed]


def uncommitted_versions(dataset_root: S3Location) -> list[S3Location]:
    return [dataset_root.child(v.name) for _, v in sorted(versions(dataset_root).items()) if not v.committed]


def newest_committed(root: S3Location) -> list[S3Location]:
    """The newest committed version of every dataset below `root`, by path (one listing for the lot)."""
    out = []
    for ds, vers in sorted(scan(root).items()):
        done = [n for n, v in vers.items() if v.committed]
        if done:
            out.append((root.child(ds) if ds else root).child(f"v{max(done)}"))
    return out
