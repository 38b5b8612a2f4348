"""Stopping a host process the collector started in its own session (a bare workload or QEMU)."""

from __future__ import annotations

import os
import signal
import subprocess


def kill_session(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process group (the workload and its children), reap it, close its output pipe."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait()
    if proc.stdout:
        proc.stdout.close()
