"""Bytes a file or a folder takes: apparent (st_size) and allocated (st_blocks × 512).

Apparent size is what `ls -l` shows and what the Docker engine reports for a
layer; allocated size is what the filesystem really spends (`du`): a sparse
raw disk is large apparently and small allocated. Both are exact metrics.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable


@dataclass(frozen=True)
class Usage:
    apparent: int
    """Sum of st_size of regular files and symlinks (directories not counted, as the engine does)."""
    allocated: int
    """Sum of st_blocks × 512 of every entry, directories included (as `du` does)."""
    files: int
    """Regular files and symlinks counted."""

    def __add__(self, other: "Usage") -> "Usage":
        return Usage(self.apparent + other.apparent, self.allocated + other.allocated, self.files + other.files)


ZERO = Usage(0, 0, 0)


def usage(paths: Iterable[os.PathLike[str] | str]) -> Usage:
    """Usage of files and folder trees together, each inode counted once (hard links, overlapping paths).

    Symlinks are not followed, mount points below a given folder are not
    entered (as `du -x`), and a path that vanishes while walking is skipped.
    """
    seen: set[tuple[int, int]] = set()
    apparent = allocated = files = 0

    def count(st: os.stat_result) -> None:
        nonlocal apparent, allocated, files
        key = (st.st_dev, st.st_ino)
        if key in seen:
            return
        seen.add(key)
        allocated += st.st_blocks * 512
        if not stat.S_ISDIR(st.st_mode):
            apparent += st.st_size
            files += 1

    for top in paths:
        try:
            st = os.lstat(top)
        except FileNotFoundError:
            continue
        count(st)
        if not stat.S_ISDIR(st.st_mode):
            continue
        device = st.st_dev
        for root, dirs, names in os.walk(top, onerror=lambda e: None):
            for name in [*dirs, *names]:
                try:
                    st = os.lstat(os.path.join(root, name))
                except FileNotFoundError:
                    continue
                if st.st_dev != device:
                    if name in dirs:
                        dirs.remove(name)
                    continue
                count(st)
    return Usage(apparent, allocated, files)


def file_usage(path: Path) -> Usage:
    """One file (or folder tree)."""
    return usage([path])
