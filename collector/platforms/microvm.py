"""QEMU `-M microvm`: the vm platform's kernel, initramfs and console, on a machine without PCI, firmware tables
beyond ACPI, or legacy devices it does not need.

Same kernel (Debian cloud), same initramfs, same `-append` as `vm`; only the machine differs:
- `x-option-roms=off,pit=on,pic=on,rtc=on`: under TCG the cloud kernel hangs calibrating the TSC
  without a PIT (microvm turns PIT/PIC/RTC off by default); kept under KVM too, so both accelerators
  boot the same machine.
- under TCG, `tsc_early_khz=<host TSC kHz>` on the kernel command line: even with the PIT on, a loaded
  host (load 6 on 2 cores) makes PIT calibration fail ("tsc: Unable to calibrate against PIT",
  "No reference (HPET/PMTIMER) available", "Marking TSC unstable") and the boot then hangs; microvm
  has no HPET or ACPI PM timer to fall back on. The value is the guest's clock rate, so the guest's
  own timings (victim.py) are only as right as /proc/cpuinfo's "cpu MHz" (recorded in the facts).
- the serial console is microvm's built-in isa-serial (ttyS0), so `console=ttyS0` is unchanged.
- disks: no PCI bus, so `if=virtio` (virtio-blk-pci) cannot be used; each disk is
  `-drive if=none,id=dN` + `-device virtio-blk-device,drive=dN` (virtio-mmio transport). The guest
  finds the mmio devices through microvm's ACPI DSDT (LNRO0005), which needs the `virtio_mmio`
  module loaded before `virtio_blk` (the cloud kernel has CONFIG_VIRTIO_MMIO=m and no
  virtio_mmio.device= command-line parameter): see VIRTIO_BLK in virtio_modules.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from collector.workloads import Workload

from collector.platforms.vm import BootExtras, VmPlatform

MICROVM_MACHINE = "microvm,x-option-roms=off,pit=on,pic=on,rtc=on"


def host_tsc_khz() -> int | None:
    """The host's TSC frequency in kHz, when the CPU says it is constant and known (/proc/cpuinfo), else None.

    Under TCG the guest's rdtsc reads the host TSC, so this is the guest's TSC rate too.
    """
    try:
        text = open("/proc/cpuinfo").read()
    except OSError:
        return None
    flags = re.search(r"^flags\s*:(.*)$", text, re.M)
    mhz = re.search(r"^cpu MHz\s*:\s*([0-9.]+)", text, re.M)
    if not (flags and mhz) or not {"constant_tsc", "tsc_known_freq"} <= set(flags.group(1).split()):
        return None
    return round(float(mhz.group(1)) * 1000)


class MicrovmPlatform(VmPlatform):
    name = "microvm"


    def argv(self, accel: str, index: int, pidfile: Path, disks: tuple[Path, ...] | None = None,
             boot: BootExtras | None = None) -> list[str]:
        assert self.spec, "prepare() first"
        base = super().argv(accel, index, pidfile, disks=(), boot=boot)  # no if=virtio drives
        drives: list[str] = []
        for n, disk in enumerate(self.spec.disks if disks is None else disks):
            drives += ["-drive", f"file={disk},format=raw,if=none,id=d{n},cache=unsafe",
                       "-device", f"virtio-blk-device,drive=d{n}"]
        # `-M` right after the binary; drives before -pidfile like the default machine's
        at = base.index("-pidfile")
        argv = [base[0], "-M", MICROVM_MACHINE, *base[1:at], *drives, *base[at:]]
        khz = host_tsc_khz()
        if accel == "tcg" and khz:
            i = argv.index("-append") + 1
            argv[i] = f"{argv[i]} tsc_early_khz={khz}"
        return argv

    def prepare(self, workload: Workload) -> dict[str, Any]:
        facts = super().prepare(workload)
        facts["qemu_machine"] = MICROVM_MACHINE
        # the guest's TSC rate we pass under TCG: it sets the guest clock, so in-guest timings depend on it
        facts["tsc_early_khz"] = host_tsc_khz() if self.accelerator == "tcg" else None
        return facts
