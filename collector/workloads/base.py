"""The workload interface: one program, and what each platform needs to run it.

The same files run everywhere: as a bare process on the host, as a container
image, and inside a VM. A workload says when it is ready by printing a marker
line; start time is request → that line.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from collector.platforms.kernel import Kernel

READY_MARKER = "VMCBENCH-READY"


@dataclass(frozen=True)
class ProcessSpec:
    """How to run the workload as a bare host process."""

    argv: list[str]
    env: dict[str, str] = field(default_factory=lambda: {"PATH": "/usr/bin:/bin"})
    cwd: str | None = None


@dataclass(frozen=True)
class ContainerSpec:
    """A locally built image and the run settings the Docker API takes (containers.create kwargs)."""

    image: str
    facts: dict[str, Any]
    create_kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VmSpec:
    """What QEMU boots: an initramfs, optional disks (raw images, attached read-write as virtio), kernel arguments."""

    initrd: Path
    facts: dict[str, Any]
    disks: tuple[Path, ...] = ()
    append: str = ""
    memory_mib: int | None = None
    """Memory the workload needs at least; the platform uses max(this, --vm-memory)."""
    disk_cache: tuple[str, ...] = ()
    """QEMU `cache=` mode per disk, by position; disks beyond it use `unsafe` (fast, fine for read-only
    or throw-away disks). `none` opens the image with O_DIRECT on the host, so a guest's direct I/O
    reaches the host's disk rather than its page cache (the performance suite's scratch disk)."""


class Workload(ABC):
    """A program the platforms start. Artifacts are built once, cached and checksummed."""

    name: str
    ready_marker: str = READY_MARKER

    @abstractmethod
    def process(self) -> ProcessSpec:
        """The bare-process form (the physical-server baseline)."""

    @abstractmethod
    def container(self, client: Any, labels: dict[str, str]) -> ContainerSpec:
        """Build (or find cached) the image through the Docker API; no registry."""

    @abstractmethod
    def vm(self, kernel: "Kernel") -> VmSpec:
        """Build (or find cached) the VM's initramfs and disks for this kernel."""

    def facts(self) -> dict[str, Any]:
        """Versions and checksums of the workload itself, for the manifest."""
        return {}
