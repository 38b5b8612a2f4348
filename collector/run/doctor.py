"""`collector doctor`: what this host can measure, as rows of (part, status, detail).

It is the first command a newcomer runs, so it never fails: every probe that
cannot run becomes a row saying why and what to install, and the command
exits 0 on a host with no Docker, no QEMU or an unusable /dev/kvm.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

OK, MISSING, UNUSABLE, UNKNOWN = "ok", "missing", "unusable", "unknown"
BUSYBOX = Path("/bin/busybox")


@dataclass(frozen=True)
class Check:
    """One row of the doctor's table."""

    part: str
    status: str
    detail: str


def checks(probe_kvm: bool = True, on_probe: Callable[[], object] | None = None) -> list[Check]:
    """Every row, in order: host facts, Docker, QEMU, KVM, busybox. Never raises for a missing part."""
    import psutil

    from collector.probes.host import cgroup_version, cpu_model, os_name

    rows = [
        Check("cpu", OK, f"{cpu_model()}, {os.cpu_count()} cores"),
        Check("memory", OK, f"{psutil.virtual_memory().total / 2**30:.1f} GiB"),
        Check("os", OK, f"{os_name()}, kernel {os.uname().release}, cgroup v{cgroup_version()}"),
        docker_check(),
    ]
    qemu = qemu_check()
    rows.append(qemu)
    rows.append(kvm_check(qemu.status == OK and probe_kvm, on_probe))
    has_busybox = BUSYBOX.is_file() or shutil.which("busybox") is not None
    rows.append(Check("busybox", OK, str(BUSYBOX if BUSYBOX.is_file() else shutil.which("busybox")))
                if has_busybox else Check("busybox", MISSING, "apt-get install busybox-static"))
    return rows


def docker_check() -> Check:
    from collector.platforms import PlatformUnavailable
    from collector.platforms.container import docker_client

    where = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    try:
        client = docker_client(timeout=5)
    except PlatformUnavailable as exc:
        return Check("docker", MISSING, str(exc))
    try:
        v = client.version()
        return Check("docker", OK, f"Engine {v.get('Version')} (API {v.get('ApiVersion')}) at {where}")
    except Exception as exc:  # noqa: BLE001 - any engine error is a row, never a traceback
        return Check("docker", UNKNOWN, f"the engine at {where} answered ping but not version ({type(exc).__name__})")
    finally:
        client.close()


def qemu_check() -> Check:
    from collector.platforms.vm import qemu_version

    version = qemu_version()
    if version == "not installed":
        return Check("qemu", MISSING, "qemu-system-x86_64 not on PATH; apt-get install qemu-system-x86")
    return Check("qemu", OK, version)


def kvm_check(probe: bool, on_probe: Callable[[], object] | None = None) -> Check:
    """Whether /dev/kvm opens, then (with QEMU) whether a real guest boots under it within 10 s."""
    from collector.platforms.vm import kvm_device_problem

    problem = kvm_device_problem()
    if problem is not None:
        return Check("kvm", UNUSABLE, problem)
    if not probe:
        return Check("kvm", UNKNOWN, "the device opens; QEMU is missing, so no guest was booted to try it")
    if on_probe is not None:
        on_probe()
    return _boot_probe()


def _boot_probe() -> Check:
    from collector.context import RunContext
    from collector.platforms.vm import VmPlatform
    from collector.workloads import get_workload

    try:
        workload = get_workload("busybox")
        vm = VmPlatform(RunContext("doctor", accel="auto", kvm_probe_timeout=10))
        try:
            vm.prepare(workload)
        finally:
            vm.close()
    except Exception as exc:  # noqa: BLE001 - a probe that cannot run is reported, not raised
        return Check("kvm", UNKNOWN, f"could not probe: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
    note = vm.ctx.notes.get("kvm", "")
    return Check("kvm", OK if vm.accelerator == "kvm" else UNUSABLE, note)
