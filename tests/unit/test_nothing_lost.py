"""Nothing lost: `collector cleanup` never removes a committed version, and a refused write leaves nothing.

cleanup's engine sweeps (containers, pid files, QEMU) are replaced by no-ops
here: the machine's engines are shared, so those run only in the integration
tests, under the lock.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from collector.dataset import DatasetError, write_version
from collector.run import cleanup as cleanup_module
from tests.unit.dataset_factory import make_manifest, make_samples
from tests.unit.hostile_cases import GOLDEN, tree_hashes

OLD = time.time() - 3600


@pytest.fixture(autouse=True)
def no_engine_sweeps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cleanup_module, "kill_leftovers", lambda: [])
    monkeypatch.setattr(cleanup_module, "kill_named_vms", lambda: [])
    monkeypatch.setattr(cleanup_module, "remove_labelled", lambda images=True: [])
    monkeypatch.setattr(cleanup_module, "remove_podman_labelled", lambda images=True: [])
    monkeypatch.setattr(cleanup_module, "kill_runsc_leftovers", lambda client: [])
    monkeypatch.setattr(cleanup_module, "remove_server_cgroups", lambda: [])
    monkeypatch.setattr(cleanup_module, "docker_client", lambda timeout=10: None)


def _aged(path: Path) -> Path:
    for p in (path, *path.rglob("*")):
        os.utime(p, (OLD, OLD), follow_symlinks=False)
    return path


def test_cleanup_removes_only_unfinished_versions(tmp_path: Path) -> None:
    root = tmp_path / "datasets"
    ds = root / "mine"
    shutil.copytree(GOLDEN, ds / "v1")                       # committed
    (ds / "v2").mkdir(parents=True)                          # a dead writer's: to remove
    (ds / "v2" / "samples.parquet").write_bytes(b"half")
    shutil.copytree(GOLDEN, ds / "v3" / "nested" / "v1")     # no manifest of its own, but holds a committed version
    (ds / "v5").mkdir()                                      # unfinished but fresh: a writer finishing now
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "v1").mkdir(parents=True)                   # not under the root: reached only through links
    os.symlink(elsewhere, root / "linked")                   # a linked dataset folder
    os.symlink(elsewhere / "v1", ds / "v4")                  # a linked version folder
    for p in (ds / "v1", ds / "v2", ds / "v3", elsewhere):
        _aged(p)
    committed = tree_hashes(ds / "v1") | {"nested": str(tree_hashes(ds / "v3"))}

    removed, _ = cleanup_module.cleanup(root, images=False)  # engine sweeps stubbed above: a live run is never touched

    assert [r for r in removed if "unfinished" in r] == [f"unfinished version {ds / 'v2'}"]
    assert tree_hashes(ds / "v1") | {"nested": str(tree_hashes(ds / "v3"))} == committed
    assert (ds / "v5").is_dir() and (elsewhere / "v1").is_dir() and (ds / "v4").is_symlink()


@pytest.mark.parametrize("name", ["a b", "..x", "a\u2215b", "x" * 65])
def test_a_dataset_folder_that_is_not_a_name_is_refused_before_writing(tmp_path: Path, name: str) -> None:
    with pytest.raises(DatasetError, match="not a valid name"):
        write_version(tmp_path / name, make_samples(3), make_manifest())
    assert not (tmp_path / name / "v1").exists()


def test_a_write_breaking_a_limit_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="characters long"):
        write_version(tmp_path / "mine", make_samples(3), make_manifest(notes={"operator": "x" * 5000}))
    assert not (tmp_path / "mine" / "v1").exists()
    with pytest.raises(DatasetError, match="no samples"):
        write_version(tmp_path / "mine", make_samples(0), make_manifest())
    assert not (tmp_path / "mine" / "v1").exists()


def test_collector_run_refuses_a_bad_dataset_name_before_measuring(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from collector.cli import app

    result = CliRunner().invoke(app, ["run", "--platform", "process", "--out", str(tmp_path / "../x y")])
    assert result.exit_code == 2 and "not a valid dataset name" in result.output
    assert not (tmp_path.parent / "x y").exists()
