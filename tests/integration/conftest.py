"""Integration tests drive the real engines: Docker Engine and QEMU (TCG here)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

COLLECTOR = [sys.executable, "-m", "collector.cli"]


@pytest.fixture(autouse=True)
def state_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own pid-file folder; the artifact cache stays shared (kernel download once)."""
    path = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("VMCBENCH_STATE", str(path))
    return path


def own_pidfiles(state: Path, platform: str) -> list[Path]:
    """Pid files the collector of this test wrote for live instances of `platform`."""
    return sorted(state.glob(f"*-{platform}-*.pid"))


def run_collector(*args: str, env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COLLECTOR, *args], capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


def labelled_containers() -> list[str]:
    out = subprocess.run(["docker", "ps", "-aq", "--filter", "label=vmcbench.managed=1"], capture_output=True, text=True, check=True)
    return out.stdout.split()


def qemu_processes() -> list[str]:
    out = subprocess.run(["pgrep", "-f", "qemu-system-x86_64.*vmcbench-"], capture_output=True, text=True)
    return out.stdout.split()


def wait_until(predicate, timeout: float, interval: float = 0.1) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def committed(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("v*") if (p / "manifest.json").exists())
