"""Publishing a build: everything is written into a staging folder beside --out, then renamed to --out."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A temporary folder beside `out`, renamed to `out` when the block succeeds, removed when it fails.

    A reader never sees a half-written `out`: before the rename it is absent
    (or still the previous complete build), after it is complete.
    """
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    os.chmod(tmp, 0o755)
    if out.exists():
        old = out.parent / f".{out.name}.{uuid.uuid4().hex}.old"
        os.rename(out, old)
        os.rename(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, out)


def clear(folder: Path) -> None:
    """Empty `folder`: the staging folder, of whatever a restore from the build cache left before it missed."""
    for child in folder.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()
