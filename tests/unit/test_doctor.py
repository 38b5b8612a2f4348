"""`collector doctor` on a host missing each part: a table and exit 0, never a traceback.

The fakes are environment only: an empty PATH (no QEMU), a DOCKER_HOST socket
nobody listens on (no Docker), VMCBENCH_KVM_DEVICE at a path that cannot be
opened. The host as it really is: tests/integration/test_doctor_real.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

COLLECTOR = [sys.executable, "-m", "collector.cli", "doctor"]


def doctor(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {**os.environ, "DOCKER_HOST": f"unix://{tmp_path}/nobody.sock", "VMCBENCH_KVM_DEVICE": str(tmp_path / "no-kvm"),
            "COLUMNS": "200"}
    return subprocess.run(COLLECTOR, capture_output=True, text=True, timeout=120, env={**base, **env})


def row(out: str, part: str) -> str:
    lines = [line for line in out.splitlines() if line.strip("│ ").startswith(part + " ")]
    assert lines, f"no {part} row in:\n{out}"
    return lines[0]


def test_no_docker_is_a_row_not_a_traceback(tmp_path: Path) -> None:
    done = doctor(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "missing" in row(done.stdout, "docker") and "nobody.sock" in row(done.stdout, "docker")
    for part in ("cpu", "memory", "os", "qemu", "kvm", "busybox"):
        row(done.stdout, part)


def test_no_qemu_on_path(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    done = doctor(tmp_path, PATH=str(empty))
    assert done.returncode == 0, done.stderr
    assert "missing" in row(done.stdout, "qemu") and "apt-get install qemu-system-x86" in row(done.stdout, "qemu")


@pytest.mark.parametrize("device", ["absent", "directory"])
def test_kvm_device_that_cannot_be_opened(tmp_path: Path, device: str) -> None:
    path = tmp_path / "kvm"
    if device == "directory":
        path.mkdir()  # open(O_RDWR) fails with EISDIR, even for root (mode bits do not stop root)
    done = doctor(tmp_path, VMCBENCH_KVM_DEVICE=str(path))
    assert done.returncode == 0, done.stderr
    kvm = row(done.stdout, "kvm")
    assert "unusable" in kvm
    assert ("does not exist" if device == "absent" else "cannot be opened") in kvm


def test_a_detail_cannot_inject_markup_or_escapes(tmp_path: Path) -> None:
    hostile = tmp_path / "[red]x[/]\x1b[31m"
    done = doctor(tmp_path, VMCBENCH_KVM_DEVICE=str(hostile))
    assert done.returncode == 0, done.stderr
    assert "\x1b[31m" not in done.stdout and "\\x1b" in done.stdout
    assert "[red]x[/]" in done.stdout  # shown literally, not taken as rich markup
