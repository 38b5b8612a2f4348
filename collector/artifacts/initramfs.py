"""A deterministic initramfs (cpio newc) written in Python: no cpio binary, no root needed.

Fixed owners and mtimes make the same inputs give the same bytes, so the
archive's sha256 identifies its recipe.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    path: str
    mode: int
    data: bytes = b""
    rdev: tuple[int, int] = (0, 0)


def _header(ino: int, e: Entry) -> bytes:
    name = e.path.encode() + b"\0"
    fields = [
        ino, e.mode, 0, 0, 2 if stat.S_ISDIR(e.mode) else 1, 0, len(e.data), 0, 0, e.rdev[0], e.rdev[1], len(name), 0,
    ]
    head = b"070701" + b"".join(f"{v:08X}".encode() for v in fields) + name
    return head + b"\0" * (-len(head) % 4)


def newc_archive(entries: list[Entry]) -> bytes:
    """Entries in the given order (parents before children), then the trailer."""
    out = bytearray()
    for ino, e in enumerate([*entries, Entry("TRAILER!!!", 0)], start=1):
        out += _header(ino if e.path != "TRAILER!!!" else 0, e)
        out += e.data + b"\0" * (-len(e.data) % 4)
    out += b"\0" * (-len(out) % 512)
    return bytes(out)


def directory(path: str) -> Entry:
    return Entry(path, stat.S_IFDIR | 0o755)


def file(path: str, data: bytes, mode: int = 0o755) -> Entry:
    return Entry(path, stat.S_IFREG | mode, data)


def chardev(path: str, major: int, minor: int) -> Entry:
    return Entry(path, stat.S_IFCHR | 0o600, rdev=(major, minor))
