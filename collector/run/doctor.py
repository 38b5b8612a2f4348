"""`collector doctor`: what this host can measure, as rows of (part, status, detail).

It is the first command a newcomer runs, so it never fails: every probe that
cannot run becomes a row saying why and what to install, and the command
exits 0 on a host with no Docker, no QEMU or an unusable /dev/kvm. Each
platform variant (crun, gvisor, podman, microvm) is tried by doing what the
platform does, once (one container or one boot), so "ok" means a real start
worked here and anything else carries the engine's own words.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from collector.workloads import Workload

OK, MISSING, UNUSABLE, UNKNOWN, NOTE = "ok", "missing", "unusable", "unknown", "note"
BUSYBOX = Path("/bin/busybox")

NEEDS: dict[str, tuple[str, str]] = {"crun": ("crun", "crun"), "gvisor": ("runsc", "runsc"), "podman": ("podman", "podman")}
"""Per variant: the binary it needs and the Debian package holding it."""
VARIANT_NAMES: tuple[str, ...] = ("crun", "podman", "gvisor", "microvm")
"""The platforms beyond the deck's three, in the registry's order."""


@dataclass(frozen=True)
class Check:
    """One row of the doctor's table."""

    part: str
    status: str
    detail: str


def checks(probe_kvm: bool = True, on_probe: Callable[[], object] | None = None, variants: bool = True,
           on_variants: Callable[[], object] | None = None) -> list[Check]:
    """Every row, in order: host facts, Docker, QEMU, KVM, busybox, then one real start of each variant.

    Never raises for a missing part. `on_probe` / `on_variants` are called before the slow steps (a status line).
    """
    import psutil

    from collector.probes.host import cgroup_layout, cgroup_version, cpu_model, host_changes, os_name

    rows = [
        Check("cpu", OK, f"{cpu_model()}, {os.cpu_count()} cores"),
        Check("memory", OK, f"{psutil.virtual_memory().total / 2**30:.1f} GiB"),
        Check("os", OK, f"{os_name()}, kernel {os.uname().release}, cgroup v{cgroup_version()} ({cgroup_layout()})"),
        *(Check("host change", NOTE, change) for change in host_changes()),
        docker_check(),
    ]
    qemu = qemu_check()
    rows.append(qemu)
    kvm = kvm_check(qemu.status == OK and probe_kvm, on_probe)
    rows.append(kvm)
    has_busybox = BUSYBOX.is_file() or shutil.which("busybox") is not None
    rows.append(Check("busybox", OK, str(BUSYBOX if BUSYBOX.is_file() else shutil.which("busybox")))
                if has_busybox else Check("busybox", MISSING, "apt-get install busybox-static"))
    if variants and has_busybox:
        if on_variants is not None:
            on_variants()
        rows += variant_checks(accel="kvm" if kvm.status == OK else "tcg")
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


def variant_checks(accel: str = "auto") -> list[Check]:
    """One row per platform variant beyond the deck's three, in the registry's order."""
    from collector.workloads import get_workload

    rows = []
    for name in VARIANT_NAMES:
        binary, package = NEEDS.get(name, ("qemu-system-x86_64", "qemu-system-x86"))
        if not shutil.which(binary):
            rows.append(Check(name, MISSING, f"apt-get install {package}"))
        elif name == "crun" and (problem := crun_cgroup_problem()):
            rows.append(Check(name, UNUSABLE, problem))
        else:
            rows.append(Check(name, *one_start(name, get_workload("busybox"), accel)))
    return rows


def one_start(name: str, workload: "Workload", accel: str = "auto") -> tuple[str, str]:
    """(status, detail) after preparing `name` and starting one instance."""
    from collector.context import RunContext
    from collector.platforms import PLATFORMS, PlatformUnavailable, StartFailed

    try:
        plat = PLATFORMS[name](RunContext("doctor", accel=accel, timeout=60, kvm_probe_timeout=10))
    except PlatformUnavailable as exc:
        return UNUSABLE, str(exc)
    try:
        plat.prepare(workload)
        inst = plat.start(workload, 0)
        plat.stop(inst)
        ident = plat.identity()
        parts = [f"{ident['engine']} {ident['engine_version']}"]
        parts += [ident["runtime_version"]] if ident["runtime_version"] not in ("none", "unknown") else []
        parts += [f"machine {ident['machine']}, {plat.accelerator}"] if plat.accelerator != "none" else []
        return OK, f"{'; '.join(parts)}; ready in {inst.start_time:.2f} s"
    except (StartFailed, PlatformUnavailable, OSError) as exc:
        return UNUSABLE, str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
    finally:
        plat.close()


def crun_cgroup_problem(layout: str | None = None) -> str | None:
    """Why crun 1.8 would refuse this host's cgroups (a hybrid layout with controllers on cgroup2), or None."""
    from collector.probes.host import cgroup_layout

    layout = layout if layout is not None else cgroup_layout()
    if not layout.startswith("hybrid") or "no controllers" in layout:
        return None
    return (f"cgroups are {layout}: crun says \"cgroups in hybrid mode not supported, drop all controllers from "
            f"cgroupv2\"; scripts/setup.sh test mounts them as v1 hierarchies")
