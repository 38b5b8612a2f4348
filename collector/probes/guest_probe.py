"""An in-guest reporter: the workload's memory and CPU as the guest kernel sees them, printed on the console.

From the host, a VM is one QEMU process: its PSS holds the guest kernel, the
guest OS and the application together. To split them, the guest must say how
much its application uses. This module appends a small archive to the
workload's initramfs and boots with `rdinit=` pointing at it. Its init starts
a reporter loop in the background and then runs the workload's own init
unchanged (`exec`, so the workload keeps PID 1). Every second the loop
prints one console line:

    VMCBENCH-MEM up=12.34 app_pss_kib=… app_cpu_ticks=… app_procs=… probe_pss_kib=… memtotal_kib=… memavailable_kib=…

`app_*` sum every user-space process of the guest except the reporter itself
(PSS from /proc/<pid>/smaps_rollup; utime + stime from /proc/<pid>/stat in
USER_HZ = 100 ticks). The loop uses only shell builtins (it forks nothing,
so it never counts a helper of its own), sleeps by waiting on a FIFO with
`read -t 1`, and reads a private /proc mounted under its own folder, so the
workload's mounts (and a later switch_root) do not disturb it.

Its own cost stays in the guest and so in the platform share: one busybox
shell (`probe_pss_kib`, reported) and, only when the workload's initramfs has
no /bin/busybox, a copy of busybox in the initramfs (`probe_extra_bytes`).
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass
from typing import Any

from collector.artifacts import initramfs
from collector.artifacts.cache import cached_bytes
from collector.platforms.vm import BootExtras
from collector.workloads import VmSpec
from collector.artifacts.busybox import busybox_binary

MARKER = "VMCBENCH-MEM"
DIR = "vmcbench-probe"
USER_HZ = 100

INIT = """#!{sh} sh
{sh} mount -t proc proc /{dir}/proc
{sh} sh /{dir}/loop &
exec {next_init} "$@"
"""

LOOP = r"""P=/{dir}/proc
me=$$
exec 2>/{dir}/null 4<>/{dir}/tick
while :; do
  pss=0; ticks=0; n=0; own=0
  for d in $P/[0-9]*; do
    v=
    while read -r k val rest; do
      if [ "$k" = "Pss:" ]; then v=$val; break; fi
    done < $d/smaps_rollup
    [ -z "$v" ] && continue
    if [ "${{d##*/}}" = "$me" ]; then own=$v; continue; fi
    read -r line < $d/stat || continue
    set -- ${{line##*) }}
    ticks=$((ticks + $12 + $13)); pss=$((pss + v)); n=$((n + 1))
  done
  mt=0; ma=0
  while read -r k val rest; do
    case $k in MemTotal:) mt=$val;; MemAvailable:) ma=$val;; esac
  done < $P/meminfo
  read -r up rest < $P/uptime
  echo "{marker} up=$up app_pss_kib=$pss app_cpu_ticks=$ticks app_procs=$n probe_pss_kib=$own memtotal_kib=$mt memavailable_kib=$ma"
  read -t 1 x <&4
done
"""


@dataclass(frozen=True)
class GuestReport:
    at: float
    """Host time.monotonic() when the line arrived."""
    uptime_s: float
    app_pss: int
    app_cpu_s: float
    app_procs: int
    probe_pss: int
    memtotal: int
    memavailable: int


def newc_names(data: bytes) -> set[str] | None:
    """File names in an uncompressed newc cpio (all its concatenated archives), or None if it is not one."""
    names: set[str] = set()
    pos = 0
    if not data.startswith(b"070701"):
        return None
    while pos + 110 <= len(data):
        if data[pos:pos + 6] != b"070701":
            if data[pos:pos + 4] == b"\0\0\0\0":
                pos += 4
                continue
            break
        filesize = int(data[pos + 54:pos + 62], 16)
        namesize = int(data[pos + 94:pos + 102], 16)
        name = data[pos + 110:pos + 110 + namesize - 1].decode("utf-8", "replace")
        pos += 110 + namesize
        pos += -pos % 4
        pos += filesize + (-filesize % 4)
        if name != "TRAILER!!!":
            names.add(name[2:] if name.startswith("./") else name.lstrip("/"))
    return names


def _next_init(append: str) -> str:
    found = re.findall(r"(?:^|\s)rdinit=(\S+)", append)
    return found[-1] if found else "/init"


def boot_extras(spec: VmSpec) -> tuple[BootExtras, dict[str, Any]]:
    """The workload's initramfs with the probe appended (cached by content), the kernel argument, and facts."""
    workload = spec.initrd.read_bytes()
    names = newc_names(workload)
    entries = [initramfs.directory("dev"), initramfs.Entry("dev/null", stat.S_IFCHR | 0o666, rdev=(1, 3)),
               initramfs.directory(DIR), initramfs.directory(f"{DIR}/proc"),
               initramfs.Entry(f"{DIR}/null", stat.S_IFCHR | 0o666, rdev=(1, 3)),
               initramfs.Entry(f"{DIR}/tick", stat.S_IFIFO | 0o600)]
    extra = 0
    if names is not None and "bin/busybox" in names:
        sh = "/bin/busybox"
    else:
        binary = busybox_binary().read_bytes()
        entries.append(initramfs.file(f"{DIR}/busybox", binary))
        sh, extra = f"/{DIR}/busybox", len(binary)
    init = INIT.format(sh=sh, dir=DIR, next_init=_next_init(spec.append))
    entries += [initramfs.file(f"{DIR}/init", init.encode()),
                initramfs.file(f"{DIR}/loop", LOOP.format(dir=DIR, marker=MARKER).encode(), 0o644)]
    archive = initramfs.newc_archive(entries)
    combined = workload + b"\0" * (-len(workload) % 4) + archive
    path, digest = cached_bytes("initramfs", f"{spec.initrd.stem}-probe", ".cpio", combined)
    facts = {"guest_probe": f"rdinit=/{DIR}/init, then exec {_next_init(spec.append)}",
             "probe_initrd_sha256": digest, "probe_extra_bytes": extra + len(archive)}
    return BootExtras(initrd=path, append=f"rdinit=/{DIR}/init"), facts


_FIELD = re.compile(r"(\w+)=([0-9.]+)")


def parse(lines: list[tuple[float, str]]) -> list[GuestReport]:
    """The reporter's lines among console lines, oldest first."""
    out = []
    for at, line in lines:
        if MARKER not in line:
            continue
        f = dict(_FIELD.findall(line.split(MARKER, 1)[1]))
        try:
            out.append(GuestReport(
                at=at, uptime_s=float(f["up"]), app_pss=int(f["app_pss_kib"]) * 1024,
                app_cpu_s=int(f["app_cpu_ticks"]) / USER_HZ, app_procs=int(f["app_procs"]),
                probe_pss=int(f["probe_pss_kib"]) * 1024, memtotal=int(f["memtotal_kib"]) * 1024,
                memavailable=int(f["memavailable_kib"]) * 1024,
            ))
        except (KeyError, ValueError):
            continue  # a line cut by other console output
    return out
