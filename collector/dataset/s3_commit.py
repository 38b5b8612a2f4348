"""Committing a version to an S3-compatible store safely with many writers at once, and cleaning up after dead ones.

Layout inside a dataset `s3://B/P/<name>/` is the local one plus a claim object:

    <name>/vN/.claim            create-only; JSON {writer, host, boot_id, pid, claimed_at}
    <name>/vN/samples.parquet   create-only, sent with its sha256 and verified after upload
    <name>/vN/manifest.json     create-only, written LAST: committed == manifest exists

Every PUT carries `If-None-Match: *`, so nothing is ever overwritten:
 1. list `<name>/` once; N = highest number seen (claimed or committed) + 1;
 2. PUT vN/.claim create-only; 412 means another writer has vN: try N+1;
 3. PUT each data file create-only, then verify the stored bytes (store's sha256, else re-download);
 4. re-read the claim: still ours? (a cleanup that judged us dead, or a store that ignores If-None-Match);
 5. PUT manifest.json create-only.
A writer killed before 5 leaves a claim and some files, never a manifest:
readers ignore it, `cleanup()` deletes it once its writer is dead on this host
or its newest object is older than CLAIM_STALE_S.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from typing import Any, Callable

from collector.dataset.s3 import VERSION_RE, S3Location, S3LocationError, S3LostRace, scan, versions
from collector.dataset.schema import MANIFEST_FILE

CLAIM_FILE = ".claim"
CLAIM_STALE_S = 3600.0
"""An uncommitted version untouched this long is a dead writer's (another host's pid cannot be checked)."""


def _boot_id() -> str:
    try:
        with open("/proc/sys/kernel/random/boot_id") as f:
            return f.read().strip()
    except OSError:
        return ""


def new_writer_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def claim_body(writer: str) -> bytes:
    return json.dumps({"writer": writer, "host": socket.gethostname(), "boot_id": _boot_id(), "pid": os.getpid(),
                       "claimed_at": time.time()}, sort_keys=True).encode() + b"\n"


def claim_version(dataset_root: S3Location, requested: str | None, writer: str) -> tuple[str, S3Location]:
    """Reserve vN with a create-only .claim: of two writers on the same N exactly one wins."""
    if requested is not None:
        if not VERSION_RE.match(requested):
            raise S3LocationError(f"{requested!r} is not a version name (v1, v2, ...)")
        loc = dataset_root.child(requested)
        info = versions(dataset_root).get(int(requested[1:]))
        if info and info.committed:
            raise S3LocationError(f"{loc}: version already committed; versions never change, write a new one")
        try:
            loc.child(CLAIM_FILE).put_new(claim_body(writer))
        except FileExistsError:
            if not still_ours(loc, writer):
                raise S3LocationError(f"{loc}: folder exists (an unfinished write?); versions never change") from None
        return requested, loc
    n = max(versions(dataset_root), default=0) + 1
    while True:
        loc = dataset_root.child(f"v{n}")
        try:
            loc.child(CLAIM_FILE).put_new(claim_body(writer))
            return f"v{n}", loc
        except FileExistsError:
            # the client retries a PUT whose answer was lost (a timeout under load): the retry's 412 may be
            # about our own first attempt, so a claim holding our writer id is ours, not a rival's
            if still_ours(loc, writer):
                return f"v{n}", loc
            n += 1


def still_ours(version: S3Location, writer: str) -> bool:
    try:
        return json.loads(version.child(CLAIM_FILE).read_bytes()).get("writer") == writer
    except (FileNotFoundError, ValueError):
        return False


def write_files(version: S3Location, blobs: dict[str, bytes], manifest: bytes, writer: str) -> None:
    """Steps 3-5: data files create-only and verified, the claim re-checked, the manifest create-only last."""
    for fname, data in sorted(blobs.items()):
        target = version.child(fname)
        try:
            target.put_new(data)
        except FileExistsError:
            raise S3LostRace(f"{target}: exists already; another writer holds {version.name}") from None
        target.verify(data)
    if not still_ours(version, writer):
        raise S3LostRace(f"{version}: claim lost (removed by a cleanup, or the store ignores If-None-Match)")
    try:
        version.child(MANIFEST_FILE).put_new(manifest)
    except FileExistsError:
        raise S3LostRace(f"{version}: already committed by another writer") from None


def write_version(
    dataset_root: S3Location,
    blobs: dict[str, bytes],
    requested: str | None,
    manifest_for: Callable[[str, list[str]], bytes],
) -> tuple[str, S3Location, bytes]:
    """Claim, upload, verify, commit; a lost race claims the next number. `manifest_for(version, parents)`
    gives the manifest bytes for a claimed version. Returns (version, its location, the manifest written)."""
    writer = new_writer_id()
    while True:
        parents = [v.name for _, v in sorted(versions(dataset_root).items()) if v.committed]
        version, loc = claim_version(dataset_root, requested, writer)
        manifest = manifest_for(version, parents)
        try:
            write_files(loc, blobs, manifest, writer)
        except S3LostRace:
            if requested is not None:
                raise
            continue
        return version, loc, manifest


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def writer_dead(claim: dict[str, Any]) -> bool:
    """Only answerable on the claiming host (same hostname and boot): is its pid gone?"""
    if claim.get("host") != socket.gethostname() or claim.get("boot_id") != _boot_id():
        return False
    pid = claim.get("pid")
    return isinstance(pid, int) and pid > 0 and not _pid_alive(pid)


def cleanup(root: S3Location, older_than_s: float = CLAIM_STALE_S, now: float | None = None) -> list[str]:
    """Delete uncommitted versions below `root` (one listing) whose writer is dead here or that are stale.

    Files first, claim last: the number stays taken until its leftovers are gone.
    """
    now = time.time() if now is None else now
    removed = []
    for ds, vers in sorted(scan(root).items()):
        ds_loc = root.child(ds) if ds else root
        for _, info in sorted(vers.items()):
            if info.committed:
                continue
            vloc = ds_loc.child(info.name)
            claim: dict[str, Any] = {}
            if CLAIM_FILE in info.keys:
                try:
                    loaded = json.loads(vloc.child(CLAIM_FILE).read_bytes())
                    claim = loaded if isinstance(loaded, dict) else {}
                except (FileNotFoundError, ValueError):
                    claim = {}
            newest = max(k["mtime"] for k in info.keys.values())
            if now - newest < older_than_s and not (claim and writer_dead(claim)):
                continue
            vloc.delete_keys([vloc.child(f).key for f in sorted(info.keys) if f != CLAIM_FILE])
            if CLAIM_FILE in info.keys:
                vloc.delete_keys([vloc.child(CLAIM_FILE).key])
            removed.append(f"unfinished version {vloc}")
    return removed
