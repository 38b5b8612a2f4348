"""`collector doctor` on a host missing each part: a table and exit 0, never a traceback.

The fakes are environment only: an empty PATH (no QEMU), a DOCKER_HOST socket
nobody listens on (no Docker), VMCBENCH_KVM_DEVICE at a path that cannot be
opened. The host as it really is: tests/integration/test_doctor_real.py.

Every run also lacks a VM kernel (VMCBENCH_KERNEL names no file), so none
boots a microvm: unit tests start no engine (a real start of each variant is
tests/integration/test_doctor_real.py's). Each test reads the run of the host
it describes; the module starts the distinct runs once, all at the same time,
and the plain run (no Docker, a KVM device that does not exist) serves the
no-Docker and the absent-device tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

COLLECTOR = [sys.executable, "-m", "collector.cli", "doctor"]
HOSTILE = "[red]x[/]\x1b[31m"
"""A device name that would be rich markup and a terminal escape if it were not escaped."""


def doctor(folder: Path, **env: str) -> subprocess.Popen[str]:
    """Start `collector doctor` with no Docker, KVM device or VM kernel in `folder`, plus `env`; read it with communicate()."""
    base = {**os.environ, "DOCKER_HOST": f"unix://{folder}/nobody.sock", "VMCBENCH_KVM_DEVICE": str(folder / "no-kvm"),
            "VMCBENCH_KERNEL": str(folder / "no-vmlinuz"), "COLUMNS": "200"}
    return subprocess.Popen(COLLECTOR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**base, **env})


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess[str]]:
    """Each host the tests describe, by name: its doctor run, all started before any is waited for."""
    folder = tmp_path_factory.mktemp("doctor")
    (folder / "bin").mkdir()  # an empty PATH: no QEMU
    (folder / "kvm-directory").mkdir()  # open(O_RDWR) fails with EISDIR, even for root (mode bits do not stop root)
    started = {
        "plain": doctor(folder),
        "no qemu": doctor(folder, PATH=str(folder / "bin")),
        "kvm directory": doctor(folder, VMCBENCH_KVM_DEVICE=str(folder / "kvm-directory")),
        "hostile": doctor(folder, VMCBENCH_KVM_DEVICE=str(folder / HOSTILE)),
    }
    done = {}
    for name, proc in started.items():
        out, err = proc.communicate(timeout=120)
        done[name] = subprocess.CompletedProcess(COLLECTOR, proc.returncode, out, err)
    return done


def row(out: str, part: str) -> str:
    lines = [line for line in out.splitlines() if line.strip("│ ").startswith(part + " ")]
    assert lines, f"no {part} row in:\n{out}"
    return lines[0]


def test_no_docker_is_a_row_not_a_traceback(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    done = runs["plain"]
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "missing" in row(done.stdout, "docker") and "nobody.sock" in row(done.stdout, "docker")
    for part in ("cpu", "memory", "os", "qemu", "kvm", "busybox"):
        row(done.stdout, part)


def test_no_qemu_on_path(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    done = runs["no qemu"]
    assert done.returncode == 0, done.stderr
    assert "missing" in row(done.stdout, "qemu") and "apt-get install qemu-system-x86" in row(done.stdout, "qemu")


@pytest.mark.parametrize("device", ["absent", "directory"])
def test_kvm_device_that_cannot_be_opened(runs: dict[str, subprocess.CompletedProcess[str]], device: str) -> None:
    done = runs["plain" if device == "absent" else "kvm directory"]
    assert done.returncode == 0, done.stderr
    kvm = row(done.stdout, "kvm")
    assert "unusable" in kvm
    assert ("does not exist" if device == "absent" else "cannot be opened") in kvm


def test_a_detail_cannot_inject_markup_or_escapes(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    done = runs["hostile"]
    assert done.returncode == 0, done.stderr
    assert "\x1b[31m" not in done.stdout and "\\x1b" in done.stdout
    assert "[red]x[/]" in done.stdout  # shown literally, not taken as rich markup
