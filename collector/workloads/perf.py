"""Benchmark tools from Debian's packages (sysbench, fio, iperf3, sockperf, redis): one driver, every platform.

One Debian tree (debootstrap, see collector/artifacts/rootfs.py) holds the
tools and the driver `/vmcbench/perf.sh` (collector/workloads/perf.sh); the
same files run as a bare process, as a container image and as a VM disk:
- process: chroot in a private mount namespace adding /proc, /sys, /dev, a
  /tmp tmpfs, and a host folder bind-mounted on the scratch folder (host disk);
- container: `docker import` of the tree; the root stays writable because
  fio's file lives in the container's writable layer (overlayfs) by default
  (`container_scratch`: overlay | volume (bind of the host folder) | tmpfs);
- vm: the tree as a read-only ext4 root disk (/dev/vda) plus an empty ext4
  scratch disk (/dev/vdb) opened by QEMU with `cache=none` (O_DIRECT on the
  host: the guest's direct I/O reaches the host disk, not its page cache).
Settings are given when the workload is made and reach the driver as
`key=value` arguments (process, container) or `vmcb.key=value` kernel
arguments (VM). `reset_scratch()` empties the scratch storage before a start.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from functools import cached_property
from pathlib import Path
from typing import Any

from collector.artifacts import initramfs
from collector.artifacts.busybox import IMAGE_REPO, busybox_binary, busybox_initramfs, init_script
from collector.artifacts.rootfs import Recipe, Rootfs, RootfsError, derive, ensure_rootfs, ext4_image, tar_archive
from collector.artifacts.virtio_modules import virtio_blk_initramfs
from collector.context import LABEL_MANAGED, cache_dir
from collector.workloads.base import ContainerSpec, ProcessSpec, VmSpec, Workload

PACKAGES = ("sysbench", "fio", "iperf3", "sockperf", "redis-server", "redis-tools")
DRIVER = "/vmcbench/perf.sh"
SCRATCH = "/vmcbench/scratch"
DONE_MARKER = "VMCB-DONE"
VM_MEMORY_MIB = 512
"""redis + a 64 MiB sysbench block + fio's page cache when buffered; the guest's RAM is otherwise idle."""
SCRATCH_DISK_MIB = 256
"""The VM scratch disk's least size; a larger `fio_size` makes it larger (`scratch_disk_mib`)."""
VM_DISK_CACHE = ("unsafe", "none")
"""QEMU cache modes of the root disk (read-only, so unsafe costs nothing) and the scratch disk (O_DIRECT on the host)."""
CONTAINER_SCRATCH = ("overlay", "volume", "tmpfs")
HOSTS = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"


def driver_script() -> bytes:
    return Path(__file__).with_name("perf.sh").read_bytes()


def settings_argv(settings: dict[str, str]) -> list[str]:
    return [f"{k}={v}" for k, v in sorted(settings.items())]


def settings_cmdline(settings: dict[str, str]) -> str:
    """Kernel arguments the driver reads from /proc/cmdline (values must not be empty or hold spaces)."""
    for k, v in settings.items():
        if not v or any(c.isspace() for c in v):
            raise ValueError(f"perf setting {k}={v!r}: kernel arguments cannot carry empty or spaced values")
    return " ".join(f"vmcb.{a}" for a in settings_argv(settings))


def size_kib(size: str) -> int:
    """A fio size (1024, 64k, 64M, 1G) in KiB, read as the driver's `kib()` reads it."""
    units = {"k": 1, "m": 1024, "g": 1024 * 1024}
    text = size.strip().lower()
    if text[-1:] in units and text[:-1].isdigit():
        return int(text[:-1]) * units[text[-1]]
    if text.isdigit():
        return int(text) // 1024
    raise ValueError(f"fio_size={size!r} is not a size (e.g. 64M, 1G)")


def scratch_disk_mib(fio_size: str | None) -> int:
    """Room for fio's file twice over (the driver wants at most half the free space) and ext4's own blocks."""
    if not fio_size:
        return SCRATCH_DISK_MIB
    return max(SCRATCH_DISK_MIB, 2 * -(-size_kib(fio_size) // 1024) + 64)


def make_scratch_disk(path: Path, mib: int = SCRATCH_DISK_MIB) -> Path:
    """A fresh, sparse, empty ext4 image for the VM's fio file (no mount, no loop device)."""
    path.unlink(missing_ok=True)
    done = subprocess.run(["mkfs.ext4", "-q", "-F", "-L", "vmcbench-scratch", "-m", "0", "-E",
                           "lazy_itable_init=0,lazy_journal_init=0", str(path), f"{mib}M"],
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RootfsError(f"mkfs.ext4 (scratch) failed: {(done.stderr or done.stdout).strip()[-300:]}")
    return path


def vm_init_extra(load_disk_driver: str) -> str:
    """Initramfs steps before switch_root: disks, read-only root, writable scratch disk and /tmp, loopback up."""
    return load_disk_driver + "".join([
        "n=0; while [ ! -b /dev/vdb ] && [ $n -lt 1000 ]; do /bin/busybox usleep 10000; n=$((n+1)); done\n",
        "/bin/busybox mount -t ext4 -o ro /dev/vda /newroot || exit 1\n",
        f"/bin/busybox mount -t ext4 -o rw,noatime /dev/vdb /newroot{SCRATCH} || exit 1\n",
        "/bin/busybox mount -t tmpfs -o mode=1777 tmpfs /newroot/tmp\n",
        "/bin/busybox ip link set lo up\n",  # -nic none: the guest's own lo exists but starts down
        "/bin/busybox mount -o move /proc /newroot/proc\n",
        "/bin/busybox mount -o move /sys /newroot/sys\n",
        "/bin/busybox mount -o move /dev /newroot/dev\n",
    ])


def process_argv(root: Path, scratch: Path, args: list[str]) -> list[str]:
    """chroot in a private mount namespace: /proc, /sys, /dev, a /tmp tmpfs, the host scratch folder."""
    r = str(root)
    script = (
        f"mount -t proc proc {r}/proc && mount --rbind /sys {r}/sys && mount --rbind /dev {r}/dev && "
        f"mount -t tmpfs -o mode=1777 tmpfs {r}/tmp && mount --bind {scratch} {r}{SCRATCH} && "
        f'exec /usr/sbin/chroot {r} /bin/sh {DRIVER} "$@"'
    )
    return ["/usr/bin/unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", script, "perf", *args]


class Perf(Workload):
    """The driver runs every benchmark once, in sequence, prints raw outputs framed by markers, then VMCB-DONE."""

    name = "perf"
    done_marker = DONE_MARKER

    def __init__(self, settings: dict[str, str] | None = None, container_scratch: str = "overlay",
                 recipe: Recipe | None = None) -> None:
        if container_scratch not in CONTAINER_SCRATCH:
            raise ValueError(f"container_scratch={container_scratch!r}; known: {', '.join(CONTAINER_SCRATCH)}")
        self.recipe = recipe or Recipe("perf-base", include=PACKAGES)
        self.settings = dict(settings or {})
        self.container_scratch = container_scratch
        self.scratch_root = cache_dir() / "perf-scratch" / str(os.getpid())
        """Per collector process: the host folder (process, container volume) and the VM's scratch image."""
        self.scratch_mib = scratch_disk_mib(self.settings.get("fio_size"))

    @property
    def scratch_host(self) -> Path:
        return self.scratch_root / "host"

    @property
    def scratch_image(self) -> Path:
        return self.scratch_root / "vm-scratch.ext4"

    def reset_scratch(self) -> None:
        """Empty scratch storage before each start: no instance sees a previous one's fio file."""
        shutil.rmtree(self.scratch_host, ignore_errors=True)
        self.scratch_host.mkdir(parents=True, exist_ok=True)
        if self.scratch_image.exists():
            make_scratch_disk(self.scratch_image, self.scratch_mib)

    def remove_scratch(self) -> None:
        shutil.rmtree(self.scratch_root, ignore_errors=True)

    @cached_property
    def tree(self) -> Rootfs:
        base = ensure_rootfs(self.recipe, PACKAGES)
        return derive(base, "perf", {
            DRIVER: (driver_script(), 0o755),
            f"{SCRATCH}/.keep": (b"", 0o644),
            "/etc/hosts": (HOSTS.encode(), 0o644),
        })

    def scratch_facts(self) -> dict[str, str]:
        """Where fio's file lives, per kind of platform (the instance also reports its filesystem type)."""
        where = {"overlay": "the container's writable layer (overlayfs upper on the engine's disk)",
                 "volume": f"bind mount of {self.scratch_host} (host disk)",
                 "tmpfs": "tmpfs (memory; O_DIRECT only on kernels >= 6.6)"}
        return {"process": f"host folder {self.scratch_host} bind-mounted (host disk)",
                "container": where[self.container_scratch],
                "vm": f"empty ext4 image {self.scratch_image} as virtio disk /dev/vdb, QEMU cache=none (O_DIRECT)"}

    def process(self) -> ProcessSpec:
        self.scratch_host.mkdir(parents=True, exist_ok=True)
        return ProcessSpec(process_argv(self.tree.root, self.scratch_host, settings_argv(self.settings)))

    def image(self, client: Any) -> tuple[str, Any]:
        from docker.errors import ImageNotFound

        digest = self.tree.facts["rootfs_derived_sha256"]
        tag = f"{IMAGE_REPO}:perf-{digest[:12]}"
        try:
            return tag, client.images.get(tag)
        except ImageNotFound:
            tar, _ = tar_archive(self.tree)
            repo, _, name = tag.partition(":")
            changes = [f"LABEL {LABEL_MANAGED}=1", f"LABEL vmcbench.recipe={digest}", f'CMD ["/bin/sh", "{DRIVER}"]']
            client.api.import_image_from_file(str(tar), repository=repo, tag=name, changes=changes)
            return tag, client.images.get(tag)

    def container(self, client: Any, labels: dict[str, str]) -> ContainerSpec:
        tag, image = self.image(client)
        kwargs: dict[str, Any] = {"command": ["/bin/sh", DRIVER, *settings_argv(self.settings)],
                                  "tmpfs": {"/tmp": "rw,nosuid,mode=1777"}}
        if self.container_scratch == "volume":
            self.scratch_host.mkdir(parents=True, exist_ok=True)
            kwargs["volumes"] = {str(self.scratch_host): {"bind": SCRATCH, "mode": "rw"}}
        elif self.container_scratch == "tmpfs":
            kwargs["tmpfs"][SCRATCH] = "rw,size=512m"
        facts = {"image": tag, "image_id": image.id, "image_bytes": image.attrs.get("Size"),
                 "image_source": "docker import of the rootfs tar", "read_only_root": False,
                 "fio_scratch": self.scratch_facts()["container"]}
        return ContainerSpec(tag, facts, kwargs)

    def vm(self, kernel: Any) -> VmSpec:
        disk, disk_sha = ext4_image(self.tree)
        self.scratch_root.mkdir(parents=True, exist_ok=True)
        scratch = make_scratch_disk(self.scratch_image, self.scratch_mib)
        driver_entries, load_driver = virtio_blk_initramfs(kernel.modules)
        extra = [initramfs.directory("newroot"), *driver_entries]
        init = init_script(["/bin/busybox", "switch_root", "/newroot", "/bin/sh", DRIVER], vm_init_extra(load_driver))
        path, digest = busybox_initramfs(busybox_binary(), init, f"perf-{kernel.version}", extra)
        return VmSpec(path, {
            "initramfs_sha256": digest, "disk_sha256": disk_sha, "disk_bytes": disk.stat().st_size,
            "disk_format": "raw ext4 root (read-only, cache=unsafe) + empty raw ext4 scratch disk "
                           f"({self.scratch_mib} MiB, cache=none), virtio-blk",
            "fio_scratch": self.scratch_facts()["vm"],
        }, disks=(disk, scratch), append=settings_cmdline(self.settings) if self.settings else "",
            memory_mib=VM_MEMORY_MIB, disk_cache=VM_DISK_CACHE)

    def facts(self) -> dict[str, Any]:
        keep = ("rootfs_recipe", "rootfs_recipe_sha256", "rootfs_packages", "rootfs_package_count", "rootfs_bytes",
                "rootfs_derived_sha256")
        return {**{k: self.tree.facts[k] for k in keep if k in self.tree.facts}, "driver": DRIVER,
                "driver_sha256": _sha256(driver_script()), "perf_settings": dict(sorted(self.settings.items())),
                "container_scratch": self.container_scratch}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
