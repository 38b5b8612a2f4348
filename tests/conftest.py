"""Shared fixtures.

- A real S3 server for the store and fleet tests: moto in server mode, a separate process on 127.0.0.1
  (never a patched client). moto[server] is in the `test` extra, so `scripts/setup.sh test` installs it.
- One build cache per test session, and each golden output built once and shared. The build cache
  (reportgen/commands/build_cache.py) goes into the session's temporary folder, never the user's
  ~/.cache: tests start cold and share what they render within the session. That cached and cold
  builds are the same bytes is itself a test (tests/unit/test_build_cache.py); tests that check a
  build's determinism compare with one second copy built with `cache=False` (tests/shared_builds.py).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from tests.shared_builds import (  # noqa: F401 (the session fixtures)
    GoldenBuild, golden_build, startup_cold, startup_dataset, startup_site, suites_host_a, suites_host_b, suites_two_hosts,
)

AWS_ENV_KEYS = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3", "AWS_DEFAULT_REGION", "AWS_CONFIG_FILE",
                "AWS_SHARED_CREDENTIALS_FILE", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """`moto_server` on 127.0.0.1, port 0: the kernel picks a free port and the server prints it."""
    exe = Path(sys.executable).with_name("moto_server")
    proc = subprocess.Popen([str(exe), "-H", "127.0.0.1", "-p", "0"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = None
    assert proc.stderr is not None
    for line in proc.stderr:  # werkzeug: " * Running on http://127.0.0.1:41235"
        m = re.search(r"Running on (http://127\.0\.0\.1:\d+)", line)
        if m:
            url = m.group(1)
            break
    if url is None:
        proc.kill()
        pytest.fail(f"moto_server did not start (exit {proc.wait()})")
    # keep draining the request log, or the server blocks on a full pipe
    threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()  # type: ignore[union-attr]
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture
def s3_env(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The standard AWS variables pointing at the moto server (also for subprocesses); returns them."""
    env = {
        "AWS_ENDPOINT_URL": moto_server,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    for k in AWS_ENV_KEYS:
        monkeypatch.delenv(k, raising=False)
    from collector.dataset import s3

    s3.client.cache_clear()
    yield env
    s3.client.cache_clear()


@pytest.fixture
def s3_root(s3_env: dict[str, str]) -> str:
    """A fresh bucket per test: `s3://<bucket>/datasets`."""
    from collector.dataset import s3

    bucket = f"vmcbench-{uuid.uuid4().hex[:12]}"
    s3.client().create_bucket(Bucket=bucket)
    return f"s3://{bucket}/datasets"


@pytest.fixture(scope="session", autouse=True)
def session_build_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """$VMCBENCH_CACHE_DIR for the whole session (restored after)."""
    folder = tmp_path_factory.mktemp("build-cache")
    previous = os.environ.get("VMCBENCH_CACHE_DIR")
    os.environ["VMCBENCH_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("VMCBENCH_CACHE_DIR", None)
    else:
        os.environ["VMCBENCH_CACHE_DIR"] = previous


@pytest.fixture(scope="session")
def golden_site(golden_build: GoldenBuild) -> Path:
    """The full build (reports, handouts, slides, site; ko and en) of the golden dataset, built once per session.

    Read-only for the tests that share it: a test that edits a build copies it first.
    """
    return golden_build.out
