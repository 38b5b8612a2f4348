"""The virtio block driver for a guest booted from an initramfs: module files plus the lines that load them.

Debian's cloud kernel builds virtio as modules, so a guest that wants its
disk (/dev/vda) must insmod them from the initramfs, in dependency order,
before the device appears. ext4 itself is built in. Compressed modules
(.ko.xz, .ko.zst is not handled) are decompressed while building.
"""

from __future__ import annotations

import lzma
from pathlib import Path

from collector.artifacts import initramfs

VIRTIO_BLK = (
    "drivers/virtio/virtio_ring",
    "drivers/virtio/virtio",
    "drivers/virtio/virtio_pci_legacy_dev",
    "drivers/virtio/virtio_pci_modern_dev",
    "drivers/virtio/virtio_pci",
    "drivers/virtio/virtio_mmio",
    "drivers/block/virtio_blk",
)
"""Modules for a virtio-blk disk on PCI (`vm`) or virtio-mmio (`microvm`, no PCI bus), each after the ones it
needs; both machines boot the same initramfs, and the transport a machine lacks loads harmlessly."""

MODULE_DIR = "lib/modules"
DEVICE_WAIT_S = 10


def _read_module(modules: Path, rel: str) -> bytes | None:
    """The module's bytes, decompressed; None when the kernel has it built in (or has no modules folder)."""
    for suffix, read in ((".ko", Path.read_bytes), (".ko.xz", lambda p: lzma.decompress(p.read_bytes()))):
        path = modules / "kernel" / f"{rel}{suffix}"
        if path.is_file():
            return read(path)
    return None


def virtio_blk_initramfs(modules: Path | None, device: str = "/dev/vda") -> tuple[list[initramfs.Entry], str]:
    """Initramfs entries holding the virtio block modules, and shell lines that load them and wait for `device`.

    Modules missing from `modules` are taken as built in and skipped. The
    shell lines need /dev (devtmpfs) mounted first; they give up waiting
    after DEVICE_WAIT_S and let the caller's mount fail with its own message.
    """
    entries = [initramfs.directory("lib"), initramfs.directory(MODULE_DIR)]
    lines = []
    for rel in VIRTIO_BLK:
        data = _read_module(modules, rel) if modules else None
        if data is None:
            continue
        name = f"{MODULE_DIR}/{Path(rel).name}.ko"
        entries.append(initramfs.file(name, data, 0o644))
        lines.append(f"/bin/busybox insmod /{name}\n")
    lines.append(
        f"n=0; while [ ! -b {device} ] && [ $n -lt {DEVICE_WAIT_S * 100} ]; do /bin/busybox usleep 10000; n=$((n+1)); done\n"
    )
    return entries, "".join(lines)
