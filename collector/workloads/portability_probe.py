"""The portability probe (C8): the run's own busybox image, unchanged, asked what the platform under it offers.

Containers run the very image `busybox` runs (same image id on Docker with
runc, crun and runsc, and on Podman, which loads Docker's archive): only the
command differs, as `docker run IMAGE CMD` would. The VM boots the same
busybox binary (same sha256) as its root filesystem from an initramfs, and
the bare process runs it on the host. Each check prints one line,
`VMCBENCH-PROBE <check> <exit status> <first output line>`, so a check that
fails on one platform (a file gVisor's kernel does not provide) is a finding
recorded like the others, never hidden.
"""

from __future__ import annotations

from typing import Any

from collector.artifacts.busybox import build_scratch_image
from collector.workloads.base import READY_MARKER, ContainerSpec
from collector.workloads.busybox import Busybox

PROBE_PREFIX = "VMCBENCH-PROBE"

CHECKS: dict[str, str] = {
    "kernel_release": "/bin/busybox uname -r",
    "cpu_count": "/bin/busybox nproc",
    "mem_total": "/bin/busybox grep MemTotal /proc/meminfo",
    "cpu_model": "/bin/busybox grep -m1 'model name' /proc/cpuinfo",
    "smaps_rollup": "/bin/busybox head -n1 /proc/self/smaps_rollup",
    "pressure_cpu": "/bin/busybox head -n1 /proc/pressure/cpu",
    "cgroup_fs": "/bin/busybox ls /sys/fs/cgroup/ | /bin/busybox head -n1 | /bin/busybox grep .",
    "boot_id": "/bin/busybox cat /proc/sys/kernel/random/boot_id",
    "pid_max": "/bin/busybox cat /proc/sys/kernel/pid_max",
}
"""What each check asks (busybox sh); exit status 0 means the platform offers it. Order is the report's order.
Read-only on purpose: the bare process runs these on the host itself."""


def probe_script() -> str:
    lines = [f"o=$({cmd} 2>&1); echo \"{PROBE_PREFIX} {name} $? $(echo \"$o\" | /bin/busybox head -n1)\""
             for name, cmd in CHECKS.items()]
    return "; ".join([*lines, f"echo {READY_MARKER}", "exec /bin/busybox sleep 86400"])


def parse_probe(lines: list[str]) -> dict[str, tuple[int, str]]:
    """check → (exit status, first output line), from the instance's output."""
    found: dict[str, tuple[int, str]] = {}
    for line in lines:
        at = line.find(PROBE_PREFIX + " ")
        if at < 0:
            continue
        parts = line[at + len(PROBE_PREFIX) + 1:].rstrip("\r").split(" ", 2)
        if len(parts) >= 2 and parts[0] in CHECKS and parts[1].isdigit():
            found[parts[0]] = (int(parts[1]), parts[2] if len(parts) > 2 else "")
    return found


class PortabilityProbe(Busybox):
    """Busybox running the probe instead of idling: the same image, binary and kernel as `busybox`."""

    name = "busybox-portability"

    def __init__(self) -> None:
        super().__init__(script=probe_script(), name=self.name)

    def container(self, client: Any, labels: dict[str, str]) -> ContainerSpec:
        image = Busybox()  # the run's own image, not one built for the probe: one digest everywhere
        tag, facts = build_scratch_image(client, image.binary, image.argv, "busybox")
        return ContainerSpec(tag, facts, {"command": self.argv})
