"""One small server emulated on the host: a cpu + memory cgroup with a memory limit, the same for every platform.

The isolation suite runs the victim and the hog of every platform inside one
of these, so the bare processes, the containers (Docker's `cgroup_parent`)
and the VMs' QEMU processes all share one budget of the same size: a host of
that size, whatever the real host's size. Inside it, children are the kinds
of sharing: one child for two unmanaged programs (one scheduling group, so
the kernel's autogroup setting does not apply: autogroups exist only for
tasks in the root cpu group), or one child per program with equal
`cpu.shares` / `cpu.weight` (what systemd gives each service).

Works on cgroup v1 (one folder per controller) and v2 (one unified folder).
Every folder is named `vmcbench-<run id>…`, so `remove_leftovers` finds what a
killed run left.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
CONTROLLERS = ("cpu", "memory")
PREFIX = "vmcbench-"


class CgroupUnavailable(RuntimeError):
    """This host does not let the collector make cgroups (not root, or no cpu/memory controller)."""


def version(root: Path = ROOT) -> int:
    return 2 if (root / "cgroup.controllers").exists() else 1


def _write(path: Path, value: str) -> None:
    with open(path, "w") as fh:
        fh.write(value)


def _read_int(path: Path, default: int = 0) -> int:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return default


def _keyed(path: Path) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        for line in path.read_text().splitlines():
            key, _, value = line.partition(" ")
            if value.strip().lstrip("-").isdigit():
                out[key] = int(value)
    except OSError:
        pass
    return out


class ServerCgroup:
    """A cgroup sized as one server: `memory_bytes` of memory, all host CPUs, children as kinds of sharing."""

    def __init__(self, run_id: str, memory_bytes: int, root: Path = ROOT) -> None:
        self.name = f"{PREFIX}{run_id}"
        self.memory_bytes = memory_bytes
        self.root = root
        self.v = version(root)
        self.children: list[str] = []

    def _dirs(self, child: str = "") -> dict[str, Path]:
        rel = self.name + (f"/{child}" if child else "")
        if self.v == 2:
            return {"unified": self.root / rel}
        return {c: self.root / c / rel for c in CONTROLLERS}

    def create(self) -> "ServerCgroup":
        try:
            for controller, path in self._dirs().items():
                path.mkdir(parents=True, exist_ok=True)
                if self.v == 2:
                    _write(self.root / "cgroup.subtree_control", "+cpu +memory")
                    _write(path / "cgroup.subtree_control", "+cpu +memory")
                    _write(path / "memory.max", str(self.memory_bytes))
                    _write(path / "memory.swap.max", "0")
                elif controller == "memory":
                    _write(path / "memory.limit_in_bytes", str(self.memory_bytes))
        except OSError as exc:
            self.close()
            raise CgroupUnavailable(f"cannot make cgroup {self.name}: {exc}") from None
        return self

    def child(self, name: str) -> tuple[str, ...]:
        """A child group with the default (equal) CPU weight; the folders a process joins to be in it."""
        dirs = self._dirs(name)
        for path in dirs.values():
            path.mkdir(exist_ok=True)
        if name not in self.children:
            self.children.append(name)
        return tuple(str(p) for p in dirs.values())

    @property
    def docker_parent(self) -> str:
        """Docker's `cgroup_parent` (cgroupfs driver): containers' cgroups become children of this server."""
        return f"/{self.name}"

    def facts(self) -> dict[str, object]:
        return {"cgroup_version": self.v, "name": self.name, "memory_limit_bytes": self.memory_bytes,
                "children": list(self.children)}

    def _memory_dir(self) -> Path:
        return self._dirs()["unified" if self.v == 2 else "memory"]

    def peak_bytes(self) -> int:
        """Highest memory use of the whole server so far (v1 max_usage; v2 memory.peak when the kernel has it)."""
        d = self._memory_dir()
        return _read_int(d / ("memory.peak" if self.v == 2 else "memory.max_usage_in_bytes"))

    def reset_peak(self) -> None:
        d = self._memory_dir()
        try:
            _write(d / ("memory.peak" if self.v == 2 else "memory.max_usage_in_bytes"), "0")
        except OSError:
            pass

    def oom_kills(self) -> int:
        """Processes the OOM killer killed inside the server so far (its own and its descendants' cgroups).

        v1 counts a kill in the killed task's own cgroup only, so the tree is
        summed; v2's memory.events is hierarchical already.
        """
        top = self._memory_dir()
        if self.v == 2:
            return _keyed(top / "memory.events").get("oom_kill", 0)
        return sum(_keyed(d / "memory.oom_control").get("oom_kill", 0)
                   for d in [top, *(p for p in top.rglob("*") if p.is_dir())])

    def limit_hits(self) -> int:
        """How often the server's own memory limit was reached (v1 failcnt; v2 the `max` event)."""
        top = self._memory_dir()
        if self.v == 2:
            return _keyed(top / "memory.events").get("max", 0)
        return _read_int(top / "memory.failcnt")

    def close(self) -> None:
        """Kill what is still inside, then remove the folders, deepest first."""
        remove_tree([Path(p) for p in self._dirs().values()])


def _pids(folder: Path) -> list[int]:
    out = []
    for d in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
        try:
            out += [int(x) for x in (d / "cgroup.procs").read_text().split()]
        except (OSError, ValueError):
            pass
    return out


def remove_tree(folders: list[Path]) -> None:
    for folder in folders:
        if not folder.is_dir():
            continue
        for _ in range(50):
            pids = _pids(folder)
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.1)
        for d in sorted((p for p in folder.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
            try:
                d.rmdir()
            except OSError:
                pass
        try:
            folder.rmdir()
        except OSError:
            pass


def remove_leftovers(root: Path = ROOT) -> list[str]:
    """Remove every `vmcbench-*` server cgroup (what a killed run left); returns what was removed."""
    bases = [root] if version(root) == 2 else [root / c for c in CONTROLLERS]
    found = [p for base in bases if base.is_dir() for p in base.glob(f"{PREFIX}*") if p.is_dir()]
    remove_tree(found)
    return [f"cgroup {p}" for p in found if not p.exists()]
