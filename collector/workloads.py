"""Workloads: the same program, described once, run on every platform.

A workload says when it is ready by printing a marker line; start time is
request → that line. The default is tiny: the host's static busybox.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

READY_MARKER = "VMCBENCH-READY"


@dataclass(frozen=True)
class Workload:
    """A program the platforms start: its binary on the host and its command line."""

    name: str
    binary: Path
    """Static binary copied unchanged into the container image and the VM's initramfs."""
    argv: tuple[str, ...]
    """Command line as seen inside the instance (the binary lives at /bin/busybox there)."""
    ready_marker: str = READY_MARKER

    def host_argv(self) -> list[str]:
        """The same command for the bare process: the host's copy of the binary."""
        return [str(self.binary), *self.argv[1:]]


def busybox_binary() -> Path:
    """Locate a static busybox (Debian's busybox-static installs /bin/busybox)."""
    for candidate in ("/bin/busybox", shutil.which("busybox") or ""):
        if candidate and Path(candidate).is_file():
            return Path(candidate).resolve()
    raise FileNotFoundError("no busybox binary; install it with: apt-get install busybox-static")


def busybox() -> Workload:
    """Print the ready marker, then idle like a server until stopped."""
    script = f"echo {READY_MARKER}; exec /bin/busybox sleep 86400"
    return Workload("busybox", busybox_binary(), ("/bin/busybox", "sh", "-c", script))


WORKLOADS = {"busybox": busybox}
"""Workload factories by name; suites look them up here."""


def get_workload(name: str) -> Workload:
    try:
        return WORKLOADS[name]()
    except KeyError:
        raise ValueError(f"unknown workload {name!r}; known: {', '.join(sorted(WORKLOADS))}") from None
