"""Leftovers of failed gVisor starts: runsc sandbox/gofer processes (and their shim) no engine knows any more.

A runsc start that fails after `runsc create` (e.g. without `--network=none`:
"cannot run with network enabled in root network namespace") leaves behind,
with the container already gone from `docker ps -a`:
- `containerd-shim-runc-v2 -namespace moby -id <ID> -address …` (parent of the two below),
- `runsc-gofer --root=<R> … gofer --bundle <B>/<ID> …`,
- `runsc-sandbox --root=<R> … boot … --bundle=<B>/<ID> … <ID>` (+ its `[exe]` stub children),
- runsc state files `<R>/<ID>_sandbox:<ID>.{state,lock}`.
argv[0] is `runsc-gofer`/`runsc-sandbox` but comm (psutil name()) is `exe`, so match on cmdline[0].
Docker labels are not in the OCI bundle (no annotations), so "ours" means "orphan":
a sandbox whose container ID the engine does not know. Live containers are never touched.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass

import psutil

RUNSC_ROLES = ("runsc-sandbox", "runsc-gofer")
_ID = re.compile(r"--bundle[= ]\S*/([0-9a-f]{64})\b")
_ROOT = re.compile(r"--root=(\S+)")
_ADDRESS = re.compile(r"-address (\S+)")
_NAMESPACE = re.compile(r"-namespace (\S+)")


@dataclass
class RunscLeftover:
    container_id: str
    root: str | None
    procs: list[psutil.Process]
    containerd: tuple[str, str] | None = None
    """(address, namespace) of the containerd that still holds the task, from the shim's cmdline."""


def find_runsc_processes() -> dict[str, RunscLeftover]:
    """Every runsc sandbox/gofer on the host, grouped by container ID (with the shim that parents them)."""
    found: dict[str, RunscLeftover] = {}
    for proc in psutil.process_iter(["pid", "cmdline"]):
        cmd = proc.info["cmdline"] or []
        if not cmd or cmd[0].rsplit("/", 1)[-1] not in RUNSC_ROLES:
            continue
        line = " ".join(cmd)
        m = _ID.search(line)
        if not m:
            continue
        root = _ROOT.search(line)
        entry = found.setdefault(m.group(1), RunscLeftover(m.group(1), root.group(1) if root else None, []))
        entry.procs.append(proc)
        try:
            parent = proc.parent()
            if parent and "containerd-shim" in parent.name() and m.group(1) in " ".join(parent.cmdline()):
                if parent.pid not in {p.pid for p in entry.procs}:
                    entry.procs.append(parent)
                    shim = " ".join(parent.cmdline())
                    a, n = _ADDRESS.search(shim), _NAMESPACE.search(shim)
                    if a and n:
                        entry.containerd = (a.group(1), n.group(1))
        except psutil.Error:
            pass
    return found


def _engine_knows(client, cid: str) -> bool:  # type: ignore[no-untyped-def]
    from docker.errors import NotFound

    try:
        client.containers.get(cid)
        return True
    except NotFound:
        return False


def kill_runsc_leftovers(client=None) -> list[str]:  # type: ignore[no-untyped-def]
    """Kill orphan runsc sandboxes (container unknown to the engine at `client`); returns what was removed.

    Without a client nothing is killed (we cannot tell orphans from live containers).
    `ctr task delete -f`, `runsc --root=<R> delete --force <ID>` (state files), SIGKILL whatever is left,
    then `ctr container rm` (dockerd leaves the containerd record behind; containerd's address and
    namespace come from the shim's cmdline). Tested on a real leftover: processes, state and record gone.
    """
    if client is None:
        return []
    removed = []
    for cid, left in find_runsc_processes().items():
        if _engine_knows(client, cid):
            continue
        ctr = ["ctr", "-a", left.containerd[0], "-n", left.containerd[1]] if left.containerd else None
        if ctr:
            subprocess.run([*ctr, "task", "delete", "-f", cid], capture_output=True, timeout=30, check=False)
        if left.root:
            subprocess.run(["runsc", f"--root={left.root}", "delete", "--force", cid],
                           capture_output=True, timeout=30, check=False)
        for proc in left.procs:
            try:
                if proc.is_running():
                    proc.kill()
                    proc.wait(timeout=10)
            except psutil.Error:
                pass
        if ctr:  # only once the task is gone ("container rm" refuses while it is being torn down)
            subprocess.run([*ctr, "container", "rm", cid], capture_output=True, timeout=30, check=False)
        removed.append(f"gVisor sandbox {cid[:12]} ({len(left.procs)} processes, no container)")
    return removed
