"""`reportgen diff` exit codes and formats on real dataset folders."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from collector.dataset import write_version
from reportgen.cli import app
from tests.unit.dataset_factory import make_manifest, make_samples

runner = CliRunner()


def _dataset(root: Path, values: np.ndarray, **manifest) -> str:  # type: ignore[no-untyped-def]
    table = make_samples(len(values), platform="container", value=[float(v) for v in values])
    return str(write_version(root, table, make_manifest(**manifest)).location.path)


def test_identical_datasets_exit_0(tmp_path: Path) -> None:
    values = np.random.default_rng(1).lognormal(np.log(0.2), 0.1, 20)
    a = _dataset(tmp_path / "a", values)
    b = _dataset(tmp_path / "b", values)
    result = runner.invoke(app, ["diff", a, b])
    assert result.exit_code == 0, result.output
    assert "no significant change" in result.output


def test_regression_exit_1_in_every_format(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    a = _dataset(tmp_path / "a", rng.lognormal(np.log(0.2), 0.05, 20))
    b = _dataset(tmp_path / "b", rng.lognormal(np.log(0.26), 0.05, 20))
    assert runner.invoke(app, ["diff", a, b]).exit_code == 1
    md = runner.invoke(app, ["diff", a, b, "--format", "md", "--lang", "ko"])
    assert md.exit_code == 1 and "| 계열 |" in md.output and "악화" in md.output
    js = runner.invoke(app, ["diff", a, b, "--format", "json"])
    doc = json.loads(js.stdout)
    assert js.exit_code == 1 and doc["regressed"] is True
    (c,) = doc["comparisons"]
    assert c["verdict"] == "regressed" and c["p_value"] < 0.05 and c["platform"] == "container"


def test_host_differences_come_first(tmp_path: Path) -> None:
    values = np.linspace(0.1, 0.2, 20)
    a = _dataset(tmp_path / "a", values)
    host = make_manifest()["host"]
    b = _dataset(tmp_path / "b", values, host={**host, "cpu_model": "Other CPU"})
    out = runner.invoke(app, ["diff", a, b, "--format", "md"]).output
    assert out.index("Other CPU") < out.index("start_time")


def test_bad_input_exit_2_one_line(tmp_path: Path) -> None:
    a = _dataset(tmp_path / "a", np.linspace(0.1, 0.2, 20))
    result = runner.invoke(app, ["diff", a, str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "no such dataset" in result.stderr
    assert runner.invoke(app, ["diff", a, a, "--alpha", "2"]).exit_code == 2
