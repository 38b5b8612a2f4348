"""What an instance costs the host: memory by PSS and cgroup accounting, CPU time.

PSS (proportional set size) splits shared pages between the processes that
map them, so N instances' PSS add up to what they really take together.
"""

from __future__ import annotations

from typing import Any, Callable

import psutil


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


def pss_tree(pid: int) -> int:
    """PSS in bytes of a process and all its descendants; 0 if it is gone."""
    return int(_sum(_tree(pid), lambda p: p.memory_full_info().pss))


def cpu_seconds_tree(pid: int) -> float:
    """User + system CPU seconds used so far by a process and its descendants."""
    return _sum(_tree(pid), lambda p: p.cpu_times().user + p.cpu_times().system)


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


def shim_pss(container_id: str) -> int:
    """PSS of the containerd shim that holds this container (the runtime's per-container cost)."""
    for p in psutil.process_iter(["name", "cmdline"]):
        try:
            cmd = p.info["cmdline"] or []
            if "shim" in (p.info["name"] or "") and any(container_id in c for c in cmd):
                return p.memory_full_info().pss
        except psutil.Error:
            continue
    return 0


def engine_pss() -> dict[str, int]:
    """PSS of the shared engine daemons (dockerd, containerd), paid once per host."""
    out: dict[str, int] = {}
    for p in psutil.process_iter(["name"]):
        name = p.info["name"] or ""
        if name in ("dockerd", "containerd"):
            try:
                out[name] = out.get(name, 0) + p.memory_full_info().pss
            except psutil.Error:
                pass
    return out
