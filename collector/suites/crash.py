"""Simulated crashes for the recovery suite: SIGKILL an instance's main process from the host.

The main process is what a supervisor watches: the workload process for a
bare process, the container's init (its pid on the host, so the engine sees
an abnormal exit and applies the restart policy), the QEMU process for a VM.
"""

from __future__ import annotations

import os
import signal
import time

from collector.platforms import Instance
from collector.suites.base import kind


def main_pid(instance: Instance) -> int:
    """The host pid of the instance's main process."""
    if kind(instance.platform) == "container":
        container = instance.handle["container"]
        container.reload()
        pid = int(container.attrs["State"]["Pid"])
        if pid <= 0:
            raise ProcessLookupError(f"container {container.name} has no running process")
        return pid
    return int(instance.handle["proc"].pid)


def kill_main_process(instance: Instance) -> tuple[float, float]:
    """SIGKILL the main process; returns (time.monotonic(), time.time()) just before the signal."""
    pid = main_pid(instance)
    mono, wall = time.monotonic(), time.time()
    os.kill(pid, signal.SIGKILL)
    return mono, wall
