"""Virtual machines: QEMU booting Debian's cloud kernel and an initramfs holding the workload.

No network (`-nic none`); the serial console is the only channel out, and
carries the phase markers. The accelerator is KVM when it really works,
else TCG (software emulation); every sample says which ran.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from collector.platforms import pidfiles
from collector.platforms.linewatch import LineWatch, pipe_chunks
from collector.workloads import VmSpec, Workload
from collector.artifacts.busybox import INIT_MARKER
from collector.platforms.host_process import joining, kill_session
from collector.platforms.base import Instance, Platform, PlatformUnavailable, StartFailed
from collector.platforms.kernel import Kernel, ensure_kernel

QEMU = "qemu-system-x86_64"
KERNEL_BANNER = "Linux version"


@dataclass(frozen=True)
class BootExtras:
    """What a suite adds to one VM's boot, e.g. an in-guest probe (see collector/probes/guest_probe.py).

    It changes what runs in the guest, so a suite that uses it says so in its
    samples' detail. It can add nothing else to QEMU (no device, no network).
    """

    initrd: Path | None = None
    """Replaces the workload's initramfs for this boot (e.g. the workload's with an archive appended)."""
    append: str = ""
    """Kernel arguments added after the workload's."""


DISK_CACHE_MODES = ("unsafe", "none", "directsync", "writeback", "writethrough")


def disk_cache(spec: VmSpec, index: int) -> str:
    """QEMU's cache mode for disk `index` of `spec`: the spec's choice, else `unsafe`."""
    mode = spec.disk_cache[index] if index < len(spec.disk_cache) else "unsafe"
    if mode not in DISK_CACHE_MODES:
        raise ValueError(f"disk cache mode {mode!r}; known: {', '.join(DISK_CACHE_MODES)}")
    return mode


def qemu_binary() -> str:
    path = shutil.which(QEMU)
    if not path:
        raise PlatformUnavailable(f"{QEMU} not found; install it with: apt-get install qemu-system-x86")
    return path


def qemu_version() -> str:
    try:
        out = subprocess.run([qemu_binary(), "--version"], capture_output=True, text=True, timeout=10).stdout
        return out.splitlines()[0].replace("QEMU emulator version ", "") if out else "unknown"
    except (PlatformUnavailable, OSError, subprocess.SubprocessError):
        return "not installed"


def default_machine() -> str:
    """The machine QEMU boots without `-M` (`pc-i440fx-7.2` for QEMU 7.2), from `-M help`."""
    try:
        out = subprocess.run([qemu_binary(), "-M", "help"], capture_output=True, text=True, timeout=10).stdout
    except (PlatformUnavailable, OSError, subprocess.SubprocessError):
        return "unknown"
    for line in out.splitlines():
        if line.rstrip().endswith("(default)"):
            return line.split()[0]
    return "unknown"
KVM_DEVICE_ENV = "VMCBENCH_KVM_DEVICE"
"""Test hook: the device the KVM check opens instead of /dev/kvm (QEMU itself always uses /dev/kvm)."""


def kvm_device_problem() -> str | None:
    """Why /dev/kvm cannot even be opened, or None if it can."""
    device = os.environ.get(KVM_DEVICE_ENV) or "/dev/kvm"
    if not os.path.exists(device):
        return f"{device} does not exist (no KVM module or not exposed to this host)"
    try:
        fd = os.open(device, os.O_RDWR)
        os.close(fd)
    except OSError as exc:
        return f"{device} cannot be opened ({exc.strerror})"
    return None


class VmPlatform(Platform):
    name = "vm"
    phases = ("qemu_up", "kernel_started", "init_started", "ready")

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self.qemu = qemu_binary()
        self.kernel: Kernel | None = None
        self.spec: VmSpec | None = None
        self._accel = "tcg" if ctx.accel == "tcg" else "kvm" if ctx.accel == "kvm" else "undecided"
        self._tmp = Path(tempfile.mkdtemp(prefix="vmcbench-vm-"))

    @property
    def accelerator(self) -> str:
        return self._accel

    def prepare(self, workload: Workload) -> dict[str, Any]:
        self.kernel = ensure_kernel()
        self.spec = workload.vm(self.kernel)
        if self.ctx.accel == "auto":
            self._accel = self._probe_kvm(workload)
        return {
            **self.kernel.facts(),
            **self.spec.facts,
            **workload.facts(),
            "qemu_version": qemu_version(),
            "qemu_machine": default_machine(),
            "accelerator": self._accel,
            "vm_memory_mib": self.memory_mib,
            "vm_cpus": self.ctx.vm_cpus,
        }

    def _probe_kvm(self, workload: Workload) -> str:
        """Boot the workload once under KVM with a short timeout; fall back to TCG if it fails."""
        problem = kvm_device_problem()
        if problem is None:
            self._accel = "kvm"
            try:
                inst = self._start(workload, -1, "kvm", self.ctx.kvm_probe_timeout)
                self.stop(inst)
                self.ctx.notes["kvm"] = f"KVM guest ready in {inst.start_time:.2f} s; using kvm"
                return "kvm"
            except StartFailed as exc:
                problem = str(exc)
        self.ctx.notes["kvm"] = f"KVM not usable, using tcg: {problem}"
        return "tcg"

    def versions(self) -> tuple[str, str]:
        return qemu_version(), "none"

    @property
    def memory_mib(self) -> int:
        return max(self.ctx.vm_memory_mib, (self.spec.memory_mib if self.spec else None) or 0)

    def argv(self, accel: str, index: int, pidfile: Path, disks: tuple[Path, ...] | None = None,
             boot: BootExtras | None = None) -> list[str]:
        """The QEMU command line: no network, serial console on stdout, disks as virtio."""
        assert self.kernel and self.spec, "prepare() first"
        boot = boot or BootExtras()
        drives = []
        for i, disk in enumerate(self.spec.disks if disks is None else disks):
            drives += ["-drive", f"file={disk},format=raw,if=virtio,cache={disk_cache(self.spec, i)}"]
        return [
            self.qemu, "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio",
            "-nic", "none", "-m", str(self.memory_mib), "-smp", str(self.ctx.vm_cpus),
            "-accel", accel, "-kernel", str(self.kernel.vmlinuz), "-initrd", str(boot.initrd or self.spec.initrd),
            "-append", f"console=ttyS0 loglevel=6 panic=-1 {self.spec.append} {boot.append}".strip(), "-no-reboot",
            *drives, "-pidfile", str(pidfile), "-name", f"vmcbench-{self.ctx.run_id}-{index}",
        ]

    def start(self, workload: Workload, index: int, disks: tuple[Path, ...] | None = None,
              boot: BootExtras | None = None) -> Instance:
        """Boot one VM; `disks` replaces the workload's disks (e.g. a per-instance copy); `boot` adds to this boot."""
        return self._start(workload, index, self._accel, self.ctx.timeout, disks, boot)

    def _start(self, workload: Workload, index: int, accel: str, timeout: float, disks: tuple[Path, ...] | None = None,
               boot: BootExtras | None = None) -> Instance:
        qemu_pidfile = self._tmp / f"qemu-{index}-{time.monotonic_ns()}.pid"
        t0 = time.monotonic()
        proc = subprocess.Popen(
            joining(self.argv(accel, index, qemu_pidfile, disks, boot), self.ctx.cgroups),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )
        inst = Instance(self.name, index, {"proc": proc, "qemu_pidfile": qemu_pidfile}, t0)
        inst.handle["pidfile"] = pidfiles.record(self.ctx.run_id, f"vm-{index}", proc.pid)
        watch = LineWatch(pipe_chunks(proc.stdout))
        inst.handle["watch"] = watch  # later console output (e.g. a victim's timings) stays readable
        deadline = t0 + timeout
        up_at: float | None = None
        ready: float | None = None
        while time.monotonic() < deadline:
            if up_at is None and qemu_pidfile.exists():
                up_at = time.monotonic()
            ready = watch.wait_for(workload.ready_marker, deadline, poll=None if up_at else 0.005)
            if ready is not None or watch.closed:
                break
        if ready is None:
            why = "QEMU exited" if watch.closed else f"not ready within {timeout:g} s"
            self.stop(inst)
            raise StartFailed(f"VM ({accel}) {why}: {watch.tail(3) or 'no console output'}", inst.phases)
        inst.mark("qemu_up", up_at if up_at is not None else t0)
        for phase, needle in (("kernel_started", KERNEL_BANNER), ("init_started", INIT_MARKER)):
            seen = watch.first(needle)
            if seen is not None:
                inst.mark(phase, seen[1])
        inst.mark("ready", ready)
        return inst

    def stop(self, instance: Instance) -> None:
        kill_session(instance.handle["proc"])
        instance.handle["qemu_pidfile"].unlink(missing_ok=True)
        pidfiles.forget(instance.handle["pidfile"])

    def close(self) -> None:
        shutil.rmtree(self._tmp, ignore_errors=True)
