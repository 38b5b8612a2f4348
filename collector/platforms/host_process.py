"""Stopping a host process the collector started in its own session (a bare workload or QEMU)."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess


def joining(argv: list[str], cgroups: tuple[str, ...]) -> list[str]:
    """`argv`, run through /bin/sh that first writes its pid into each cgroup's `cgroup.procs`, then execs it.

    The pid stays the same (exec), so pid files and kills still name the
    workload; it is in its cgroups before its first instruction, so nothing it
    allocates is charged elsewhere.
    """
    if not cgroups:
        return argv
    joins = " && ".join(f"echo $$ > {shlex.quote(os.path.join(c, 'cgroup.procs'))}" for c in cgroups)
    return ["/bin/sh", "-c", f'{joins} && exec "$@"', "sh", *argv]


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
