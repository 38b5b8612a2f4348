"""The consistency suite's workload: every instance does the same small piece of real work, then idles.

The work: append a line to /var/log/app.log and write /data/new-file, both
holding instance-specific facts (hostname, pid, uptime, date), as real
services do. Where it lands is the point of the suite:
- process: into one host folder that all instances share (`host_root`);
- container: into each container's writable upper layer; the image stays as built;
- VM: into the VM's own copy of a base ext4 disk, mounted read-write from the
  initramfs (virtio modules loaded first) and unmounted before ready, so the
  disk image on the host is complete when the collector hashes it.
Ready is printed after the work, so "ready" here means "work done".
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from collector.artifacts import initramfs
from collector.artifacts.cache import file_sha256
from collector.artifacts.busybox_disk import busybox_disk
from collector.artifacts.virtio_modules import virtio_blk_initramfs
from collector.workloads import READY_MARKER, ContainerSpec, ProcessSpec, VmSpec
from collector.workloads.busybox import Busybox
from collector.artifacts.busybox import build_scratch_image, busybox_initramfs, init_script

BB = "/bin/busybox"
SEED_FILES = {"etc/app.conf": b"greeting=hello\n", "var/log/.keep": b"", "data/.keep": b""}
"""The tree every platform starts from (host folder, VM base disk); the container image has busybox only."""
DISK_MIB = 32


def work_script(root: str) -> str:
    """The work, with paths under `root` ('' for a container or VM root filesystem)."""
    r = shlex.quote(root)
    facts = f"$({BB} hostname) pid $$ uptime $({BB} cut -d' ' -f1 /proc/uptime)"
    return (
        f"R={r}; {BB} mkdir -p \"$R/var/log\" \"$R/data\" && "
        f"echo \"$({BB} date -u +%Y-%m-%dT%H:%M:%S) app started on {facts}\" >> \"$R/var/log/app.log\" && "
        f"echo \"written by {facts}\" > \"$R/data/new-file\" && {BB} sync"
    )


def seed_tree(root: Path) -> None:
    """Lay out SEED_FILES under `root` (the process platform's shared folder)."""
    for rel, data in SEED_FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


class DriftWork(Busybox):
    """Same work on every platform; the process form works in `host_root`."""

    name = "consistency-work"

    def __init__(self, host_root: Path) -> None:
        super().__init__(script=f"{work_script('')} && echo {READY_MARKER}; exec {BB} sleep 86400", name=self.name)
        self.host_root = host_root

    def process(self) -> ProcessSpec:
        script = f"{work_script(str(self.host_root))} && echo {READY_MARKER}; exec {BB} sleep 86400"
        return ProcessSpec([str(self.binary), "sh", "-c", script], cwd=str(self.host_root))

    def container(self, client: Any, labels: dict[str, str]) -> ContainerSpec:
        tag, facts = build_scratch_image(client, self.binary, self.argv, "consistency")
        return ContainerSpec(tag, facts, {"command": self.argv})

    def base_disk(self) -> tuple[Path, str]:
        return busybox_disk(self.binary, SEED_FILES, DISK_MIB, "consistency-base")

    def vm(self, kernel: Any) -> VmSpec:
        disk, disk_sha = self.base_disk()
        entries, load = virtio_blk_initramfs(kernel.modules if kernel else None)
        inside = shlex.quote(work_script(""))
        mount = (
            f"{BB} mkdir -p /newroot && {BB} mount -t ext4 -o rw /dev/vda /newroot && "
            f"{BB} mount -t proc proc /newroot/proc && "
            f"{BB} chroot /newroot {BB} sh -c {inside} && "
            f"{BB} umount /newroot/proc && {BB} umount /newroot && echo {READY_MARKER} "
            f"|| echo VMCBENCH-ERROR consistency work failed"
        )
        argv = [BB, "sh", "-c", f"{mount}; exec {BB} sleep 86400"]
        init = init_script(argv, extra=load)
        path, digest = busybox_initramfs(self.binary, init, self.name, [initramfs.directory("newroot"), *entries])
        return VmSpec(path, {"initramfs_sha256": digest, "initramfs_bytes": path.stat().st_size,
                             "base_disk": str(disk), "base_disk_sha256": disk_sha}, disks=(disk,))

    def facts(self) -> dict[str, Any]:
        return {"binary": str(self.binary), "binary_sha256": file_sha256(self.binary)}
