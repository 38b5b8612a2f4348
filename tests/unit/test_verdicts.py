"""Computed verdicts flip when the data do (C10 isolation, C9 density), in both languages."""

from __future__ import annotations

import pyarrow as pa
import pytest

import reportgen.charts  # noqa: F401  (registers the charts)
from reportgen.charts.base import REGISTRY, ChartInput
from reportgen.charts.c9_density import density_verdict
from reportgen.charts.verdicts import CONFIRMED, CONTRADICTED, DEPENDS, density_kind
from reportgen.i18n.catalogs import translator
from tests.unit.dataset_factory import make_samples

LABEL = "synthetic@v1"


def _isolation(cpu: dict[str, float], killed: dict[str, int]) -> pa.Table:
    """20 iterations alone (~0.1 s) and beside the hog (`cpu[platform]` × that) per platform, plus memory runs."""
    rows = []
    for platform, factor in cpu.items():
        for phase, scale in (("alone", 1.0), ("beside_hog", factor)):
            rows += [dict(platform=platform, phase=phase, metric="victim_latency", unit="s",
                          value=0.1 * scale * (1 + 0.001 * i)) for i in range(20)]
        rows += [dict(platform=platform, phase="beside_memory_hog", metric="victim_latency", unit="s",
                      value=0.1 * (1 + 0.001 * i)) for i in range(20)]
        rows.append(dict(platform=platform, phase="beside_memory_hog", metric="victim_killed", unit="count",
                         value=float(killed[platform])))
        rows.append(dict(platform=platform, phase="beside_memory_hog", metric="oom_kills", unit="count", value=3.0))
    cols = {k: [r[k] for r in rows] for k in rows[0]}
    table = make_samples(len(rows), suite="isolation", chart_id="C10", workload="busybox-victim",
                         accelerator=["tcg" if p == "vm" else "none" for p in cols["platform"]], **cols)
    return table.append_column("dataset", pa.array([LABEL] * len(rows)))


def _passage(table: pa.Table, lang: str) -> str:
    definition = REGISTRY["C10"]
    data = ChartInput(definition.summarise(table), (LABEL,))
    return definition.passage(data, translator(lang))


CASES = {
    # the deck's claim holds: the bare victim is slowed and killed, the capped ones are not
    CONFIRMED: ({"process": 2.5, "container": 1.0, "vm": 1.0}, {"process": 1, "container": 0, "vm": 0}),
    # the bare victim is not slowed: the claim holds only in part
    DEPENDS: ({"process": 1.0, "container": 1.0, "vm": 1.0}, {"process": 1, "container": 0, "vm": 0}),
    # everything the opposite way
    CONTRADICTED: ({"process": 1.0, "container": 2.0, "vm": 2.0}, {"process": 0, "container": 1, "vm": 1}),
}
WORDS = {"en": {CONFIRMED: "Confirmed", DEPENDS: "Partly confirmed", CONTRADICTED: "Contradicted"}}


@pytest.mark.parametrize("kind", list(CASES))
def test_isolation_verdict_follows_the_data(kind: str) -> None:
    cpu, killed = CASES[kind]
    text = _passage(_isolation(cpu, killed), "en")
    assert f": {WORDS['en'][kind]}. Measured:" in text, text
    others = [w for k, w in WORDS["en"].items() if k != kind]
    assert not any(f": {w}. Measured:" in text for w in others)
    assert "CIs of the medians" in text  # the test it rests on is named


def test_isolation_verdict_flips_in_korean_too() -> None:
    texts = {kind: _passage(_isolation(*CASES[kind]), "ko") for kind in CASES}
    assert len(set(texts.values())) == 3
    assert all("판정" in t for t in texts.values()), texts


@pytest.mark.parametrize(("ct", "vm", "kind"), [(40, 16, CONFIRMED), (60, 16, CONFIRMED), (30, 16, DEPENDS),
                                                (16, 16, CONTRADICTED), (10, 16, CONTRADICTED)])
def test_density_kind_against_the_decks_ratio(ct: int, vm: int, kind: str) -> None:
    assert density_kind(ct, vm, 40 / 16) == kind


def test_density_sentence_flips_and_a_capped_count_is_only_a_lower_bound() -> None:
    tr = translator("en")
    row = lambda n, reasons=("budget",): {"value": n, "stop_reasons": reasons}  # noqa: E731
    assert "Confirmed" in density_verdict(row(75), row(11), False, tr)
    assert "Contradicted" in density_verdict(row(11), row(11), False, tr)
    capped = density_verdict(row(40, ("max_instances",)), row(11), True, tr)
    assert "Partly confirmed" in capped and "lower bound" in capped
    assert density_verdict(row(75), row(11), False, translator("ko")) != density_verdict(row(11), row(11), False, translator("ko"))
