"""Pid files for host processes the collector starts (bare workloads and QEMU).

Each file records the pid and the process's start time, so cleanup after a
crash kills our process and never an unrelated one that reused the pid.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import psutil

from collector.context import state_dir


def record(run_id: str, tag: str, pid: int) -> Path:
    """Write `<state>/<run>-<tag>.pid` holding the pid and its start time."""
    path = state_dir() / f"{run_id}-{tag}.pid"
    created = psutil.Process(pid).create_time()
    path.write_text(f"{pid} {created!r}\n")
    return path


def forget(path: Path) -> None:
    path.unlink(missing_ok=True)


def _owned_process(path: Path) -> psutil.Process | None:
    try:
        pid_text, created_text = path.read_text().split()
        proc = psutil.Process(int(pid_text))
        if abs(proc.create_time() - float(created_text)) < 0.01:
            return proc
    except (ValueError, OSError, psutil.Error):
        pass
    return None


def kill_leftovers(run_id: str | None = None) -> list[str]:
    """Kill every live process named by a pid file (of one run, or all); remove the files."""
    killed = []
    for path in sorted(state_dir().glob(f"{run_id or '*'}-*.pid")):
        proc = _owned_process(path)
        if proc is not None:
            try:
                name = proc.name()
                os.killpg(proc.pid, signal.SIGKILL) if os.getpgid(proc.pid) == proc.pid else proc.kill()
                proc.wait(timeout=10)
                killed.append(f"{name} (pid {proc.pid})")
            except (psutil.Error, ProcessLookupError, OSError):
                pass
        path.unlink(missing_ok=True)
    return killed


def kill_named_vms() -> list[str]:
    """Kill QEMU processes named `vmcbench-…` whose pid file is gone (another state folder, or deleted)."""
    killed = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        try:
            cmd = proc.info["cmdline"] or []
            if "qemu-system" in (proc.info["name"] or "") and "-name" in cmd and cmd[cmd.index("-name") + 1].startswith("vmcbench-"):
                proc.kill()
                proc.wait(timeout=10)
                killed.append(f"{proc.info['name']} (pid {proc.pid}, no pid file)")
        except (psutil.Error, IndexError, ValueError):
            continue
    return killed
