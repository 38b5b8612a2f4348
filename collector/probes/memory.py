"""Memory accounting, the one home: what a host process, a container or a QEMU VM costs the host.

- Host processes: PSS (proportional set size) of the process tree. PSS
  splits shared pages between the processes that map them, so N instances'
  PSS add up to what they really take together.
- Containers: the cgroup's memory (usage less inactive page cache, as
  `docker stats` shows it), plus the per-container keeper's PSS (the
  containerd shim under Docker, `conmon` under Podman), plus the engine
  daemons shared by every container (dockerd + containerd, or Podman's API
  service). gVisor's sandbox and gofer sit in the container's cgroup, so
  the cgroup figure covers its user-space kernel.
- QEMU: the process's PSS, split by mapping into guest RAM (the anonymous
  mapping of exactly -m bytes, touched so far), TCG's translation cache
  (anonymous and executable; KVM has none) and QEMU itself.
CPU time of a process tree is here too, read in the same walk.
"""

from __future__ import annotations

from typing import Any, Callable

import psutil

ENGINE_DAEMONS = ("dockerd", "containerd")
ENGINES: dict[str, tuple[str, ...]] = {"docker": ENGINE_DAEMONS, "podman": ("podman",)}
"""Per engine, the daemons every container of it shares (Podman's is `podman system service`)."""
KEEPERS = ("conmon",)
"""Per-container processes that are not named like a shim: Podman's conmon."""


def _keeper(name: str) -> bool:
    return "shim" in name or name in KEEPERS


def _tree(pid: int) -> list[psutil.Process]:
    """A process and all its descendants; empty if it is gone."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def _sum(procs: list[psutil.Process], read: Callable[[psutil.Process], float]) -> float:
    """Add `read(p)` over processes, skipping those that exit meanwhile."""
    total = 0.0
    for p in procs:
        try:
            total += read(p)
        except psutil.Error:
            pass
    return total


def pss(p: psutil.Process | None) -> int:
    """PSS in bytes of one process; 0 if it is gone or None."""
    try:
        return p.memory_full_info().pss if p else 0
    except psutil.Error:
        return 0


def cpu_seconds(p: psutil.Process | None) -> float:
    """User + system CPU seconds of one process; 0 if it is gone or None."""
    try:
        t = p.cpu_times() if p else None
        return t.user + t.system if t else 0.0
    except psutil.Error:
        return 0.0


def pss_tree(pid: int) -> int:
    """PSS in bytes of a process and all its descendants; 0 if it is gone."""
    return int(_sum(_tree(pid), lambda p: p.memory_full_info().pss))


def cpu_seconds_tree(pid: int) -> float:
    """User + system CPU seconds used so far by a process and its descendants."""
    return _sum(_tree(pid), lambda p: p.cpu_times().user + p.cpu_times().system)


def rss(pid: int) -> int:
    try:
        return int(psutil.Process(pid).memory_info().rss)
    except psutil.Error:
        return 0


# containers ------------------------------------------------------------------------------


def container_memory(container: Any) -> int:
    """The container's cgroup memory in bytes, without page cache (as `docker stats` shows it)."""
    stats = container.stats(stream=False, one_shot=True)
    mem = stats.get("memory_stats", {})
    usage = int(mem.get("usage", 0))
    detail = mem.get("stats", {})
    cache = detail.get("total_inactive_file", detail.get("inactive_file", detail.get("cache", 0)))
    return max(0, usage - int(cache))


def container_pid(container: Any) -> int:
    container.reload()
    return int(container.attrs["State"]["Pid"])


def find_shim(container_id: str, pid: int = 0) -> psutil.Process | None:
    """The shim (or Podman's conmon) holding a container: its init's parent when that is one, else a search by id."""
    try:
        parent = psutil.Process(pid).parent() if pid else None
        if parent is not None and _keeper(parent.name()):
            return parent
    except psutil.Error:
        pass
    for p in psutil.process_iter(["name", "cmdline"]):
        try:
            if _keeper(p.info["name"] or "") and any(container_id in c for c in p.info["cmdline"] or []):
                return p
        except psutil.Error:
            continue
    return None


def find_engine(engine: str = "docker") -> dict[str, psutil.Process]:
    """The engine's daemons (dockerd and containerd, or podman) by name."""
    names = ENGINES.get(engine, ())
    return {p.info["name"]: p for p in psutil.process_iter(["name"]) if p.info["name"] in names}


def engine_pss(engine: str = "docker") -> dict[str, int]:
    """PSS of the engine's shared daemons, paid once per host."""
    return {name: pss(p) for name, p in sorted(find_engine(engine).items())}


# QEMU ----------------------------------------------------------------------------------------


def qemu_breakdown(pid: int, guest_ram_bytes: int | None) -> dict[str, int]:
    """QEMU's PSS by mapping: guest RAM (the anonymous mapping of exactly the VM's memory size), the TCG
    code buffer (anonymous and executable: one rwx mapping, or the r-x view when W^X splits it), and the
    rest (QEMU itself: binary, libraries, heap, device state). Empty if the process is gone."""
    out = {"guest_ram": 0, "tcg_code_buffer": 0, "qemu_other": 0}
    kind = "qemu_other"
    try:
        with open(f"/proc/{pid}/smaps") as f:
            for line in f:
                head = line.split()
                if not head[0].endswith(":") and "-" in head[0]:
                    anonymous, perms = len(head) < 6, head[1]
                    start, end = (int(x, 16) for x in head[0].split("-"))
                    size = end - start
                    kind = ("guest_ram" if anonymous and guest_ram_bytes and size == guest_ram_bytes else
                            "tcg_code_buffer" if anonymous and "x" in perms else "qemu_other")
                elif head[0] == "Pss:":
                    out[kind] += int(head[1]) * 1024
    except OSError:
        return {}
    return out


def host_memory() -> tuple[int, int]:
    """Host MemTotal and MemAvailable in bytes."""
    vm = psutil.virtual_memory()
    return int(vm.total), int(vm.available)
