"""Environment fingerprints for the consistency suite: what an instance's environment is, as one sha256.

- a VM's environment is its disk: sha256 of the raw image, every byte
  (file data, metadata, timestamps, journal);
- a container's environment is its image: sha256 of the ordered list of
  layer digests (the layers are content-addressed, so equal list = equal files);
- a bare process's environment is the host folder it runs in: sha256 over
  each entry's path, type, mode and content (symlink target), in sorted
  order; timestamps are left out, so only content changes show.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from collector.artifacts.cache import file_sha256


def disk_fingerprint(path: Path) -> tuple[str, int]:
    """sha256 and size in bytes of a disk image."""
    return file_sha256(path), path.stat().st_size


def layers_fingerprint(layers: list[str]) -> str:
    """sha256 of the ordered layer digests (`RootFS.Layers` of an image)."""
    return hashlib.sha256("\n".join(layers).encode()).hexdigest()


def tree_fingerprint(root: Path) -> tuple[str, int]:
    """sha256 of a folder's content (paths, types, modes, data) and the bytes of its regular files."""
    h = hashlib.sha256()
    total = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted([*dirnames, *filenames]):
            path = Path(dirpath) / name
            st = path.lstat()
            rel = path.relative_to(root).as_posix()
            if stat.S_ISLNK(st.st_mode):
                body = os.readlink(path)
            elif stat.S_ISREG(st.st_mode):
                body = file_sha256(path)
                total += st.st_size
            else:
                body = ""
            h.update(f"{rel}\0{stat.S_IFMT(st.st_mode):o}\0{stat.S_IMODE(st.st_mode):o}\0{body}\n".encode())
    return h.hexdigest(), total
