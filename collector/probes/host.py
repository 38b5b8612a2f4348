"""What this host is: the fingerprint stored in every manifest, and what `doctor` reports."""

from __future__ import annotations

import hashlib
import os
import platform
import socket
from pathlib import Path
from typing import Any

import psutil


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return platform.system()


def cgroup_version() -> int:
    """2 when /sys/fs/cgroup is the unified hierarchy, else 1."""
    return 2 if Path("/sys/fs/cgroup/cgroup.controllers").exists() else 1


HOST_CHANGES = Path("/run/vmcbench-host-changes")
"""What `scripts/setup.sh` changed on this host (one line each, e.g. the hugetlb mount crun needs)."""


def host_changes() -> list[str]:
    try:
        return [line for line in HOST_CHANGES.read_text().splitlines() if line.strip()]
    except OSError:
        return []


def cgroup_layout() -> str:
    """`v2`, `v1`, or `hybrid (cgroup2 at <path>: <controllers>)`: crun refuses a hybrid layout with controllers on v2."""
    if cgroup_version() == 2:
        return "v2"
    try:
        mounts = [line.split() for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return "unknown"
    v2 = next((m[1] for m in mounts if len(m) > 2 and m[2] == "cgroup2"), None)
    if v2 is None:
        return "v1"
    try:
        controllers = (Path(v2) / "cgroup.controllers").read_text().split()
    except OSError:
        controllers = []
    return f"hybrid (cgroup2 at {v2}: {' '.join(controllers) or 'no controllers'})"
def sched_autogroup() -> int | None:
    """/proc/sys/kernel/sched_autogroup_enabled (1: each session is its own CPU group at the root), None if absent."""
    try:
        return int(Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip())
    except (OSError, ValueError):
        return None


def cgroup_setup() -> dict[str, Any]:
    """Which cgroup controllers this host has and where the collector itself runs (its /proc/self/cgroup)."""
    root = Path("/sys/fs/cgroup")
    if cgroup_version() == 2:
        try:
            controllers = sorted((root / "cgroup.controllers").read_text().split())
        except OSError:
            controllers = []
    else:
        controllers = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.is_symlink()) if root.is_dir() else []
    try:
        own = sorted(line.strip() for line in Path("/proc/self/cgroup").read_text().splitlines() if line.strip())
    except OSError:
        own = []
    return {"version": cgroup_version(), "controllers": controllers, "collector_cgroups": own}


def host_id() -> str:
    """A stable, anonymous id: hash of the machine id (or hostname)."""
    try:
        seed = Path("/etc/machine-id").read_text().strip()
    except OSError:
        seed = ""
    return hashlib.sha256((seed or socket.gethostname()).encode()).hexdigest()[:12]


def fingerprint(docker_version: str, qemu_version: str, accelerator: str) -> dict[str, Any]:
    """The host record for a manifest; engine versions and accelerator come from the run."""
    return {
        "host_id": host_id(),
        "cpu_model": cpu_model(),
        "cores": os.cpu_count() or 0,
        "memory_bytes": psutil.virtual_memory().total,
        "kernel": platform.release(),
        "os": os_name(),
        "docker_version": docker_version,
        "qemu_version": qemu_version,
        "accelerator": accelerator,
        "cgroup_version": cgroup_version(),
        "cgroup_layout": cgroup_layout(),
        "host_changes": host_changes(),
        "cgroup_setup": cgroup_setup(),
        "sched_autogroup_enabled": sched_autogroup(),
        "python": platform.python_version(),
    }
