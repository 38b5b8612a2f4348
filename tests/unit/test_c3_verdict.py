"""C3's verdict is computed from the CIs: synthetic start times flip it, and the sentence flips with it."""

from __future__ import annotations

import pandas as pd
import pytest

from reportgen.charts.base import ChartInput
from reportgen.charts.c3_verdict import passage
from reportgen.i18n.catalogs import translator


def _data(container: float, vm: float, spread: float = 0.05) -> ChartInput:
    rows = [{"dataset": "ds@v1", "platform": p, "accelerator": "none", "n": 20, "median": v, "low": v * (1 - spread),
             "high": v * (1 + spread), "failures": 0} for p, v in (("process", 0.001), ("container", container), ("vm", vm))]
    return ChartInput(pd.DataFrame(rows), ("ds@v1",))


@pytest.mark.parametrize(("container", "vm", "word_en", "word_ko"), [
    (5.0, 300.0, "Confirmed", "확인됨"),       # seconds and minutes, containers faster
    (0.2, 2.0, "Partly confirmed", "일부만 확인됨"),  # containers faster and in seconds, but VMs in seconds too
    (0.28, 2.97, "Partly confirmed", "일부만 확인됨"),  # golden v3 (TCG): 279 ms and 2.97 s
    (70.0, 0.1, "Contradicted", "반박됨"),      # VMs faster, neither in the deck's range
])
def test_the_verdict_follows_the_start_times(container: float, vm: float, word_en: str, word_ko: str) -> None:
    en = passage(_data(container, vm), translator("en"))
    assert f": {word_en}. Measured:" in en, en
    ko = passage(_data(container, vm), translator("ko"))
    assert word_ko in ko, ko


def test_the_sentence_names_the_test_and_by_how_much() -> None:
    en = passage(_data(0.2, 2.0), translator("en"))
    assert "Measured: ×10.0 (VM start ÷ container start)" in en, en
    assert "A container started in 200 ms: sooner than the deck's “seconds”, which bears the claim out" in en, en
    assert "A container started in 5.00 s: within the deck's “seconds”" in passage(_data(5.0, 300.0), translator("en"))
    assert "in seconds, not the deck's “minutes”: this part does not hold here" in en
    assert "CIs of the medians compared" in en


def test_a_ci_across_a_bound_is_no_evidence_either_way() -> None:
    en = passage(_data(60.0, 300.0, spread=0.3), translator("en"))  # 42-78 s straddles a minute
    assert "straddles" in en and ": Confirmed. Measured:" in en  # the other two parts agree


def test_no_verdict_without_both_deck_platforms() -> None:
    data = _data(0.2, 2.0)
    only = ChartInput(data.summary[data.summary["platform"] != "vm"], data.datasets)
    assert passage(only, translator("en")).startswith("No verdict")
