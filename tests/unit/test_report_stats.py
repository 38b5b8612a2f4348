"""reportgen.stats: medians, CIs, failures and phase chains from the tidy sample table."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from report_fixtures import PHASES, make_startup_dataset  # noqa: E402

from collector.dataset import median_ci, read_dataset  # noqa: E402
from reportgen.load.datasets import load, tidy  # noqa: E402
from reportgen.load.summaries import Selection, median_summary, phase_chain  # noqa: E402

C3 = Selection("C3", "start_time", ("dataset", "platform", "accelerator"))
C5 = Selection("C5", "phase_end", ("dataset", "platform", "accelerator", "phase"))


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_startup_dataset(tmp_path_factory.mktemp("ds") / "synthetic", n=25, failures=2, seed=3)


def raw(path: Path) -> pa.Table:
    return pq.read_table(path / "samples.parquet")


def test_c3_medians_match_median_ci_on_the_raw_rows(dataset: Path) -> None:
    summary = median_summary(load([str(dataset)]).samples, C3)
    table = raw(dataset).to_pandas()
    assert list(summary["platform"]) == ["container", "process", "vm"]
    for row in summary.to_dict("records"):
        rows = table[(table.chart_id == "C3") & (table.platform == row["platform"]) & ~table.warmup]
        good = rows[rows.ok]["value"].to_numpy()
        expected = median_ci(good)
        assert row["n"] == expected.n == 25 - 2
        assert row["median"] == pytest.approx(float(np.median(good)), rel=0, abs=0)
        assert (row["low"], row["high"]) == (expected.low, expected.high)
        assert row["failures"] == 2
        assert row["errors"] == ("timed out waiting for the ready signal",)


def test_warmup_rows_are_left_out_of_everything(tmp_path: Path) -> None:
    path = make_startup_dataset(tmp_path / "d", n=6, warmup=3, platforms=("process",))
    summary = median_summary(load([str(path)]).samples, C3)
    assert summary["n"].tolist() == [6]
    table = raw(path).to_pandas()
    measured = table[(table.chart_id == "C3") & ~table.warmup]["value"]
    assert summary["median"].iloc[0] == float(np.median(measured))


def test_a_group_with_only_failures_is_kept_without_a_median(tmp_path: Path) -> None:
    path = make_startup_dataset(tmp_path / "d", n=4, failures=4, warmup=0, platforms=("vm",))
    summary = median_summary(load([str(path)]).samples, C3)
    row = summary.iloc[0]
    assert (row["n"], row["failures"]) == (0, 4)
    assert math.isnan(row["median"])


def test_empty_selection_gives_an_empty_frame_with_the_columns(dataset: Path) -> None:
    # a dataset with zero samples is refused (names.py limits), so the empty selection is cut from a real one
    summary = median_summary(load([str(dataset)]).samples.slice(0, 0), C3)
    assert summary.empty
    assert {"dataset", "platform", "median", "low", "high", "failures"} <= set(summary.columns)


def test_phase_chain_segments_follow_each_other(dataset: Path) -> None:
    chain = phase_chain(median_summary(load([str(dataset)]).samples, C5), ("dataset", "platform", "accelerator"))
    for platform, phases in PHASES.items():
        rows = chain[chain["platform"] == platform].sort_values("order")
        assert tuple(rows["phase"]) == phases
        assert rows["start"].iloc[0] == 0.0
        assert np.allclose(rows["start"].iloc[1:].to_numpy(), rows["end"].iloc[:-1].to_numpy())
        assert rows["duration"].sum() == pytest.approx(rows["end"].iloc[-1])
        assert (rows["duration"] >= 0).all()


def test_tidy_keeps_every_dataset_apart(tmp_path: Path) -> None:
    a = read_dataset(make_startup_dataset(tmp_path / "a", n=3, platforms=("process",)))
    b = read_dataset(make_startup_dataset(tmp_path / "b", n=5, platforms=("process",)))
    summary = median_summary(tidy([a, b]), C3)
    assert dict(zip(summary["dataset"], summary["n"])) == {"a@v1": 3, "b@v1": 5}


def test_phases_ending_together_keep_their_chain_order() -> None:
    import pandas as pd

    summary = pd.DataFrame(
        {
            "dataset": ["d"] * 3,
            "platform": ["container"] * 3,
            "accelerator": ["none"] * 3,
            "phase": ["created", "ready", "started"],  # sorted by name, as summaries come
            "median": [0.015, 0.208, 0.208],
        }
    )
    chain = phase_chain(summary, ("dataset", "platform", "accelerator"), ("created", "started", "ready"))
    assert list(chain["phase"]) == ["created", "started", "ready"]
    assert list(chain["duration"]) == pytest.approx([0.015, 0.193, 0.0])
