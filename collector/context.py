"""What every platform needs to know about the run it is part of."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

LABEL_MANAGED = "vmcbench.managed"
LABEL_RUN = "vmcbench.run"


def cache_dir() -> Path:
    """Built artifacts (images' inputs, kernels, initramfs), reused across runs."""
    base = os.environ.get("VMCBENCH_CACHE") or os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "vmcbench")
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


def state_dir() -> Path:
    """Pid files of live instances, so `collector cleanup` finds what a killed run left."""
    path = Path(os.environ.get("VMCBENCH_STATE") or cache_dir() / "pids")
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class RunContext:
    """One collector run: its id (on every label and pid file) and its platform options."""

    run_id: str
    accel: str = "auto"
    """VM accelerator requested: auto (try KVM, fall back to TCG), kvm or tcg."""
    timeout: float = 60.0
    """Seconds an instance may take to become ready before it is killed and recorded as failed."""
    kvm_probe_timeout: float = 10.0
    """Seconds the auto accelerator gives a KVM guest to become ready before falling back to TCG."""
    vm_memory_mib: int = 256
    vm_cpus: int = 1
    container_limits: dict[str, object] = field(default_factory=dict)
    """Extra containers.create kwargs for resource caps (nano_cpus, mem_limit); empty = no limits."""
    cgroups: tuple[str, ...] = ()
    """cgroup folders every host process this platform starts joins before it runs (a bare process, QEMU);
    empty = stay in the collector's own. The isolation suite's emulated server (platforms/server_cgroup.py)."""
    notes: dict[str, str] = field(default_factory=dict)
    """Facts a platform learned while preparing (e.g. why KVM was not used), for the manifest."""

    @property
    def labels(self) -> dict[str, str]:
        return {LABEL_MANAGED: "1", LABEL_RUN: self.run_id}
