"""`collector doctor` on this host as it is: Docker and QEMU present, KVM probed with a real guest."""

from __future__ import annotations

import pytest

from .conftest import run_collector

pytestmark = pytest.mark.integration


def test_doctor_on_this_host_prints_every_row_and_exits_0() -> None:
    done = run_collector("doctor", env={"COLUMNS": "200"}, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stdout + done.stderr
    rows = {line.strip("│ ").split(" ", 1)[0]: line for line in done.stdout.splitlines() if line.startswith("│")}
    assert {"cpu", "memory", "os", "docker", "qemu", "kvm", "busybox"} <= set(rows)
    assert " ok " in rows["docker"] and " ok " in rows["qemu"] and " ok " in rows["busybox"]
    assert any(s in rows["kvm"] for s in (" ok ", " unusable ", " unknown "))
