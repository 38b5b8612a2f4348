"""Real processes against a real S3 server: 8 writers at once, a SIGKILLed writer, cleanup of its leftovers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from collector.dataset import Location, committed_versions, read_dataset, uncommitted_versions
from collector.dataset import s3, s3_commit
from collector.run.cleanup import cleanup_datasets

REPO = Path(__file__).resolve().parents[2]


def _spawn(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tests.store.writer", *args], env={**os.environ, **env}, cwd=REPO,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_eight_writers_same_name_get_eight_intact_versions(s3_env: dict[str, str], s3_root: str) -> None:
    procs = [_spawn(s3_env, s3_root, "shared", "--rows", str(10 + i), "--wait-go") for i in range(8)]
    assert [p.stdout.readline().strip() for p in procs] == ["READY"] * 8  # type: ignore[union-attr]
    start = time.monotonic()
    for p in procs:  # all at once, after their imports
        p.stdin.write("go\n")  # type: ignore[union-attr]
        p.stdin.flush()  # type: ignore[union-attr]
    outs = [p.communicate(timeout=180) for p in procs]
    elapsed = time.monotonic() - start
    assert [p.returncode for p in procs] == [0] * 8, [o[1] for o in outs]
    assert sorted(json.loads(o[0])["version"] for o in outs) == sorted(f"v{n}" for n in range(1, 9))
    root = Location.of(f"{s3_root}/shared")
    assert committed_versions(root) == [f"v{n}" for n in range(1, 9)]
    assert uncommitted_versions(root) == []
    by_version = {json.loads(o[0])["version"]: 10 + i for i, o in enumerate(outs)}
    for version, rows in by_version.items():  # each writer's own table, intact, sha256 checked on read
        assert read_dataset(f"{s3_root}/shared/{version}").samples.num_rows == rows
    per = sorted(json.loads(o[0])["write_s"] for o in outs)
    print(f"\n8 concurrent writers: all committed {elapsed:.2f} s after GO; write_version each {per[0]}-{per[-1]} s")


def test_killed_writer_leaves_nothing_visible_and_cleanup_removes_it(s3_env: dict[str, str], s3_root: str) -> None:
    assert _spawn(s3_env, s3_root, "lab").wait(120) == 0
    victim = _spawn(s3_env, s3_root, "lab", "--hang-after", "samples.parquet")
    assert victim.stdout.readline().strip() == "HANGING"  # type: ignore[union-attr]  # claim + samples, no manifest
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    root = Location.of(f"{s3_root}/lab")
    assert committed_versions(root) == ["v1"]
    assert [str(v) for v in uncommitted_versions(root)] == [f"{s3_root}/lab/v2"]
    assert read_dataset(f"{s3_root}/lab").version == "v1"
    assert sorted(s3.versions(s3.S3Location.of(f"{s3_root}/lab"))[2].keys) == [".claim", "samples.parquet"]

    # its pid is dead on this host (same boot): removed at once, files first, claim last
    assert cleanup_datasets(s3_root) == [f"unfinished version {s3_root}/lab/v2"]
    assert uncommitted_versions(root) == [] and committed_versions(root) == ["v1"]
    out, _ = _spawn(s3_env, s3_root, "lab").communicate(timeout=120)
    assert json.loads(out)["version"] == "v2"  # the number is free again, as after a local rmtree


def test_cleanup_keeps_young_foreign_claims_and_removes_stale_ones(s3_root: str) -> None:
    root = s3.S3Location.of(s3_root)
    claim = json.dumps({"writer": "other:1:x", "host": "elsewhere", "boot_id": "b", "pid": 1, "claimed_at": 0}).encode()
    root.child("d/v1/.claim").put_new(claim)
    assert s3_commit.cleanup(root) == []  # another host's, fresh: it may still be writing
    stale = time.time() + s3_commit.CLAIM_STALE_S + 1
    assert s3_commit.cleanup(root, now=stale) == [f"unfinished version {s3_root}/d/v1"]
    assert s3.scan(root) == {}
