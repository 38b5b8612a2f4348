"""s3:// dataset locations against a real (moto) S3 server: round trip, create-only, checksums, errors, offline."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import botocore.exceptions
import pytest
from typer.testing import CliRunner

from collector.cli import app as collector_app
from collector.dataset import DatasetError, Location, committed_versions, expand_datasets, read_dataset, write_version
from collector.dataset import s3
from tests.unit.dataset_factory import make_samples

REPO = Path(__file__).resolve().parents[2]


def test_round_trip_and_listing(s3_root: str) -> None:
    a = write_version(f"{s3_root}/lab-pc-01", make_samples(6), {"complete": True})
    b = write_version(f"{s3_root}/lab-pc-01", make_samples(9), {"complete": True})
    assert (a.version, b.version) == ("v1", "v2") and b.manifest["parent_version"] == "v1"
    assert str(b.location) == f"{s3_root}/lab-pc-01/v2"
    assert committed_versions(Location.of(f"{s3_root}/lab-pc-01")) == ["v1", "v2"]
    ds = read_dataset(f"{s3_root}/lab-pc-01")  # newest committed
    assert ds.version == "v2" and ds.samples.num_rows == 9 and ds.manifest == b.manifest
    assert read_dataset(f"{s3_root}/lab-pc-01/v1").samples.num_rows == 6


def test_create_only_put_gets_412(s3_root: str) -> None:
    loc = s3.S3Location.of(s3_root).child("x")
    s3.client().put_object(Bucket=loc.bucket, Key=loc.key, Body=b"1", IfNoneMatch="*")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.client().put_object(Bucket=loc.bucket, Key=loc.key, Body=b"2", IfNoneMatch="*")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    with pytest.raises(FileExistsError):
        loc.put_new(b"3")
    assert loc.read_bytes() == b"1"


def test_stored_sha256_is_checked_after_upload(s3_root: str) -> None:
    loc = s3.S3Location.of(s3_root).child("blob")
    loc.put_new(b"payload")
    head = s3.client().head_object(Bucket=loc.bucket, Key=loc.key, ChecksumMode="ENABLED")
    assert base64.b64decode(head["ChecksumSHA256"]) == hashlib.sha256(b"payload").digest()
    loc.verify(b"payload")
    with pytest.raises(s3.S3LocationError, match="stored sha256 differs"):
        loc.verify(b"payloaX")


def test_explicit_version_never_rewritten(s3_root: str) -> None:
    write_version(f"{s3_root}/d", make_samples(3), {}, version="v7")
    with pytest.raises(DatasetError, match="version already committed"):
        write_version(f"{s3_root}/d", make_samples(3), {}, version="v7")
    s3.S3Location.of(f"{s3_root}/d/v8/.claim").put_new(b"{}")  # somebody else is writing v8
    with pytest.raises(DatasetError, match="folder exists"):
        write_version(f"{s3_root}/d", make_samples(3), {}, version="v8")
    assert write_version(f"{s3_root}/d", make_samples(3), {}).version == "v9"  # next after the claimed v8


def test_changed_object_fails_its_checksum_on_read(s3_root: str) -> None:
    ds = write_version(f"{s3_root}/d", make_samples(3), {})
    other = write_version(f"{s3_root}/e", make_samples(4), {})
    target = ds.location.child("samples.parquet")
    body = other.location.child("samples.parquet").read_bytes()
    s3.client().put_object(Bucket=target.bucket, Key=target.key, Body=body)  # an unconditional overwrite
    with pytest.raises(DatasetError, match=r"d/v1/samples.parquet: sha256 does not match the manifest"):
        read_dataset(f"{s3_root}/d")


def test_store_errors_are_one_line_exit_2_naming_the_location(s3_root: str, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    missing = "s3://no-such-bucket-here/datasets/x"
    result = runner.invoke(collector_app, ["validate", missing])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and result.output.startswith(missing) and "NoSuchBucket" in result.output
    write_version(f"{s3_root}/ok", make_samples(3), {})
    result = runner.invoke(collector_app, ["validate", f"{s3_root}/ok"])
    assert result.exit_code == 0 and result.output.startswith("OK ok@v1 (3 samples")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # discard port: nothing listens
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    s3.client.cache_clear()
    result = runner.invoke(collector_app, ["validate", f"{s3_root}/ok"])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert result.output.startswith(f"{s3_root}/ok") and "Could not connect" in result.output


def test_a_prefix_expands_to_the_newest_version_of_every_dataset(s3_root: str) -> None:
    for host in ("b-host", "a-host"):
        write_version(f"{s3_root}/fleet/{host}", make_samples(3), {})
    write_version(f"{s3_root}/fleet/a-host", make_samples(3), {})
    s3.S3Location.of(f"{s3_root}/fleet/c-host/v1/.claim").put_new(b"{}")  # unfinished: not listed
    assert expand_datasets(f"{s3_root}/fleet/") == [f"{s3_root}/fleet/a-host/v2", f"{s3_root}/fleet/b-host/v1"]
    assert expand_datasets(f"{s3_root}/fleet/a-host") == [f"{s3_root}/fleet/a-host"]  # a dataset is itself
    s3.S3Location.of(f"{s3_root}/empty/d-host/v1/.claim").put_new(b"{}")
    with pytest.raises(DatasetError, match="empty/: no committed dataset version below this prefix"):
        expand_datasets(f"{s3_root}/empty/")


def test_without_aws_variables_nothing_touches_the_network(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    code = (
        "import socket, sys\n"
        "def no_net(*a, **k): raise SystemExit('NETWORK ' + repr(a))\n"
        "socket.socket.connect = no_net; socket.create_connection = no_net\n"
        "from collector.dataset import read_dataset, write_version, DatasetError\n"
        "from tests.unit.dataset_factory import make_samples\n"
        f"write_version({str(tmp_path / 'local')!r}, make_samples(3), {{}}); read_dataset({str(tmp_path / 'local')!r})\n"
        "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules, 'a local dataset imported boto3'\n"
        "try:\n    read_dataset('s3://bucket/datasets/x')\nexcept DatasetError as e:\n    print('REFUSED', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "REFUSED s3:// location but none of AWS_ENDPOINT_URL" in out.stdout, out.stdout


def test_a_claim_whose_answer_was_lost_is_still_ours(s3_root: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under load the client retries a PUT whose reply timed out; the retry's 412 is about our own claim."""
    real = s3.S3Location.put_new
    lost: list[str] = []

    def stored_then_412(self: s3.S3Location, data: bytes) -> None:
        real(self, data)  # the first attempt reached the store ...
        if not lost:  # ... and, the first time, the retry was refused
            lost.append(str(self))
            raise FileExistsError(str(self))

    write_version(f"{s3_root}/busy", make_samples(3), {})
    monkeypatch.setattr(s3.S3Location, "put_new", stored_then_412)
    from collector.dataset import s3_commit

    version, _ = s3_commit.claim_version(s3.S3Location.of(f"{s3_root}/busy"), None, "writer-a")
    assert version == "v2"  # before: v3, leaving an orphan claim at v2 and a gap in the versions
    rival = s3.S3Location.of(f"{s3_root}/busy/v3/.claim")
    real(rival, s3_commit.claim_body("writer-b"))
    # a rival's claim stays the rival's: the next writer gets v4
    monkeypatch.setattr(s3.S3Location, "put_new", real)
    assert s3_commit.claim_version(s3.S3Location.of(f"{s3_root}/busy"), None, "writer-c")[0] == "v4"
