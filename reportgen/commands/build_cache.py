"""The build cache: outputs stored under a digest of everything that affects their bytes.

A key is a sha256 over the inputs themselves (the dataset manifests, whose
file checksums `load` has verified; template, CSS, font and catalog bytes;
the Vega-Lite spec of a chart; the HTML a PDF is laid out from) and over the
versions of what turns them into bytes: reportgen's own source files and every
installed distribution's name and version. So a hit can only return what a
cold build would write, and any change to an input or a library is a miss.

The cache lives outside the output folder, in $VMCBENCH_CACHE_DIR or
$XDG_CACHE_HOME/vmcbench/build (default ~/.cache/vmcbench/build). Every entry
is written aside and renamed, so a killed build leaves no half entry; an entry
that cannot be read is a miss. Deleting the folder at any time is safe.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Iterable

CACHE_ENV = "VMCBENCH_CACHE_DIR"
ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = (ROOT / "reportgen", ROOT / "collector" / "dataset")
CATALOG_SUFFIXES = (".po", ".mo", ".pot")


def default_root() -> Path:
    """$VMCBENCH_CACHE_DIR, else $XDG_CACHE_HOME/vmcbench/build, else ~/.cache/vmcbench/build."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vmcbench" / "build"


def digest(*parts: object) -> str:
    """sha256 of the parts, each length-prefixed (so ("ab", "c") and ("a", "bc") differ)."""
    h = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def tree_digest(folder: Path, suffixes: Iterable[str] | None = None, exclude: Iterable[str] = ()) -> str:
    """Digest of every file's relative path and bytes under `folder` (optionally only these suffixes)."""
    wanted = tuple(suffixes) if suffixes is not None else None
    skipped = tuple(exclude)
    h = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            if (wanted is not None and path.suffix not in wanted) or path.suffix in skipped:
                continue
            h.update(digest(path.relative_to(folder).as_posix(), path.read_bytes()).encode())
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def libraries() -> str:
    """Python's version and every installed distribution's name and version (one process: fixed)."""
    names = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions() if d.metadata["Name"])
    return digest(sys.version, *names)


def code() -> str:
    """reportgen's and the dataset contract's source (not the catalogs: see catalogs()), and the libraries."""
    return digest(libraries(), *(tree_digest(d, exclude=CATALOG_SUFFIXES) for d in CODE_DIRS))


def catalogs() -> str:
    """The message catalogs: a changed string changes the pages that show it, found through their bytes."""
    from reportgen.i18n.catalogs import LOCALE_DIR

    return tree_digest(Path(LOCALE_DIR), CATALOG_SUFFIXES)


_URL = re.compile(r"""(?:href|src)\s*=\s*["']([^"'#?]+)|url\(\s*["']?([^"')#?]+)""")


def referenced_files(text: str, base: Path, seen: set[Path] | None = None) -> list[Path]:
    """Local files `text` (HTML or CSS) refers to under `base`, and the files those CSS files refer to."""
    seen = set() if seen is None else seen
    base_resolved = base.resolve()
    for match in _URL.finditer(text):
        ref = match.group(1) or match.group(2)
        if ":" in ref or ref.startswith("/"):
            continue  # data:, http:, absolute: nothing read from the theme
        path = (base / ref).resolve()
        if path in seen or not path.is_file() or base_resolved not in path.parents:
            continue
        seen.add(path)
        if path.suffix == ".css":
            referenced_files(path.read_text("utf-8", "replace"), path.parent, seen)
    return sorted(seen)


def files_digest(paths: Iterable[Path], base: Path) -> str:
    """The files' bytes and paths relative to `base` (a copied theme folder gives the same digest)."""
    root = base.resolve()
    return digest(*(digest(p.relative_to(root).as_posix(), p.read_bytes()) for p in paths))


class Cache:
    """Entries by kind and key under one folder; `enabled=False` (--no-cache) reads and writes nothing."""

    def __init__(self, root: Path | None = None, enabled: bool = True) -> None:
        self.root = root or default_root()
        self.enabled = enabled
        self.stats: Counter[str] = Counter()

    def _path(self, kind: str, key: str) -> Path:
        return self.root / kind / key[:2] / key

    def get(self, kind: str, key: str) -> bytes | None:
        if not self.enabled:
            return None
        try:
            data = self._path(kind, key).read_bytes()
        except OSError:
            self.stats[f"{kind} miss"] += 1
            return None
        self.stats[f"{kind} hit"] += 1
        return data

    def put(self, kind: str, key: str, data: bytes) -> None:
        """Write aside and rename; a cache that cannot be written (read-only, full disk) is only slower."""
        if not self.enabled:
            return
        path = self._path(kind, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        except OSError:
            return
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)

    def hits(self, kind: str) -> int:
        return self.stats[f"{kind} hit"]

    def misses(self, kind: str) -> int:
        return self.stats[f"{kind} miss"]


def store_tree(cache: Cache, key: str, folder: Path) -> None:
    """Every file under `folder` as a blob, and the list of them under `key` (written last: the commit)."""
    if not cache.enabled:
        return
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        blob = hashlib.sha256(data).hexdigest()
        if not cache._path("blob", blob).exists():
            cache.put("blob", blob, data)
        lines.append(f"{blob} {path.relative_to(folder).as_posix()}")
    cache.put("tree", key, ("\n".join(lines) + "\n").encode("utf-8"))


def restore_tree(cache: Cache, key: str, folder: Path) -> bool:
    """Write the files stored under `key` into `folder`; False (and nothing usable written) when any is missing."""
    listing = cache.get("tree", key)
    if listing is None:
        return False
    for line in listing.decode("utf-8").splitlines():
        blob, _, rel = line.partition(" ")
        data = cache.get("blob", blob)
        if data is None or hashlib.sha256(data).hexdigest() != blob or rel.startswith("/") or ".." in rel.split("/"):
            return False
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return True
