"""Many datasets under one root: a fleet's store (`s3://BUCKET/PREFIX/`) or a local folder of datasets.

A fleet is many hosts each writing its own dataset below one prefix
(`<root>/<host>/vN/`). Readers name the root and get the newest committed
version of every dataset below it, found with ONE listing (S3: one paginated
list_objects_v2, filtered here; local: one walk), never a request per
dataset or version.
"""

from __future__ import annotations

import os
from pathlib import Path

from collector.dataset import s3
from collector.dataset.schema import MANIFEST_FILE, DatasetError
from collector.dataset.store import VERSION_RE, Location, resolve


def is_dataset(where: str) -> bool:
    """True when `where` resolves as it is: a version folder, a dataset folder or name@version."""
    try:
        resolve(where)
        return True
    except s3.S3LocationError:
        raise
    except DatasetError:
        return False


def expand(where: str) -> list[str]:
    """`where` itself if it is a dataset; else the newest committed version of every dataset below it, by path.

    Raises DatasetError when it is neither (no dataset at all below it).
    """
    text = os.fspath(where)
    if text.startswith("s3://"):
        root = s3.S3Location.of(text)
        found = s3.scan(root)
        if "" in found or not found:  # a dataset folder (versions right below), or a version folder, or nothing
            return [text]
        below = s3.newest_committed(root)
        if not below:
            raise DatasetError(f"{text}: no committed dataset version below this prefix")
        return [str(loc) for loc in below]
    if is_dataset(text):
        return [text]
    root = Path(text)
    if not root.is_dir():
        resolve(text)  # raises the usual one-line error
    found = newest_local(root)
    if not found:
        raise DatasetError(f"{text}: no committed dataset version below this folder")
    return found


def newest_local(root: Path) -> list[str]:
    """The newest committed version folder of every dataset below `root` (hidden folders skipped), by path."""
    newest: dict[str, int] = {}
    for here, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        m = VERSION_RE.match(os.path.basename(here))
        if m and MANIFEST_FILE in files:
            dataset = os.path.dirname(here)
            newest[dataset] = max(newest.get(dataset, 0), int(m.group(1)))
            dirs[:] = []
    return [str(Location.of(os.path.join(d, f"v{n}"))) for d, n in sorted(newest.items())]
