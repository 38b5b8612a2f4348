"""The default workload: the host's static busybox, byte for byte the same on all three platforms."""

from __future__ import annotations

from typing import Any

from collector.artifacts.busybox import build_scratch_image, busybox_binary, busybox_initramfs, init_script
from collector.artifacts.cache import file_sha256
from collector.workloads.base import READY_MARKER, ContainerSpec, ProcessSpec, VmSpec, Workload


class Busybox(Workload):
    """Print the ready marker, then idle like a server until stopped."""

    name = "busybox"

    def __init__(self, script: str | None = None, name: str | None = None) -> None:
        self.binary = busybox_binary()
        self.script = script or f"echo {READY_MARKER}; exec /bin/busybox sleep 86400"
        if name:
            self.name = name

    @property
    def argv(self) -> list[str]:
        return ["/bin/busybox", "sh", "-c", self.script]

    def process(self) -> ProcessSpec:
        return ProcessSpec([str(self.binary), *self.argv[1:]])

    def container(self, client: Any, labels: dict[str, str]) -> ContainerSpec:
        tag, facts = build_scratch_image(client, self.binary, self.argv, "busybox")
        return ContainerSpec(tag, facts, {"command": self.argv})

    def vm(self, kernel: Any) -> VmSpec:
        path, digest = busybox_initramfs(self.binary, init_script(self.argv), self.name)
        return VmSpec(path, {"initramfs_sha256": digest, "initramfs_bytes": path.stat().st_size})

    def facts(self) -> dict[str, Any]:
        return {"binary": str(self.binary), "binary_sha256": file_sha256(self.binary)}
