"""Built artifacts in the cache, named by content hash so a changed recipe never reuses a stale file."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from collector.context import cache_dir


def file_sha256(path: os.PathLike[str] | str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def cached_bytes(kind: str, name: str, suffix: str, data: bytes) -> tuple[Path, str]:
    """Store `data` as `<cache>/<kind>/<name>-<sha16><suffix>` once; return path and sha256."""
    digest = hashlib.sha256(data).hexdigest()
    path = cache_dir() / kind / f"{name}-{digest[:16]}{suffix}"
    if not path.is_file() or file_sha256(path) != digest:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.rename(path)
    return path, digest
