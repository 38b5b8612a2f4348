"""The fleet playbook against localhost: two hosts run the real collector into the moto store; one fails, the report says why."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from collector.dataset import Location, committed_versions, read_dataset

REPO = Path(__file__).resolve().parents[2]


def test_fleet_run_collects_and_reports_the_failed_host(s3_env: dict[str, str], s3_root: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "ANSIBLE_STDOUT_CALLBACK": "fleet_json",
        "ANSIBLE_CALLBACK_PLUGINS": str(REPO / "fleet" / "callback_plugins"),
        "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-local"),
        "ANSIBLE_HOME": str(tmp_path / "ansible-home"),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "False",
        "ANSIBLE_DEPRECATION_WARNINGS": "False",
    }
    bin_dir = Path(sys.executable).parent
    extra = {"store": f"{s3_root}/fleet", "collector_bin": str(bin_dir / "collector"),
             "aws_endpoint_url": s3_env["AWS_ENDPOINT_URL"], "aws_access_key_id": "testing",
             "aws_secret_access_key": "testing", "aws_region": "us-east-1",
             "ansible_python_interpreter": sys.executable}
    cmd = [str(bin_dir / "ansible-playbook"), "-i", str(REPO / "tests" / "fleet" / "inventory.yml"),
           str(REPO / "fleet" / "playbook.yml"), "-e", json.dumps(extra)]
    out = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert out.returncode == 2, (out.returncode, out.stdout[-3000:], out.stderr[-3000:])  # 2: a host failed
    report = json.loads(out.stdout[out.stdout.index("{"):])
    a, b = report["hosts"]["host-a"], report["hosts"]["host-b"]
    assert a == {"ok": True, "written": f"{s3_root}/fleet/host-a/v1"}
    assert b["ok"] is False and b["kind"] == "failed" and b["failed_task"] == "Run one collection into the store"
    assert b["rc"] == 2 and "unknown platform nosuch" in b["stderr"]
    assert report["stats"]["host-b"]["failures"] == 1 and report["stats"]["host-a"]["failures"] == 0
    assert committed_versions(Location.of(f"{s3_root}/fleet/host-a")) == ["v1"]
    assert committed_versions(Location.of(f"{s3_root}/fleet/host-b")) == []
    ds = read_dataset(f"{s3_root}/fleet/host-a")
    assert ds.manifest["host"]["label"] == "host-a" and ds.samples.num_rows > 0
