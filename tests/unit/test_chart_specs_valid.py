"""Every chart's Vega-Lite spec validates against the schema (the build skips validation for speed)."""

from __future__ import annotations

import pytest

from reportgen.commands.build import summarise
from reportgen.charts import ChartInput, registered
from reportgen.i18n.catalogs import LANGS, translator
from reportgen.load.datasets import load
from tests.report_fixtures import make_startup_dataset, make_suites_dataset


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ChartInput]:
    """Every suite from two synthetic hosts, summarised once for both languages."""
    folder = tmp_path_factory.mktemp("specs")
    a = make_suites_dataset(folder / "suites")
    b = make_startup_dataset(folder / "startup")
    return summarise(load((str(a), str(b))))


@pytest.mark.parametrize("lang", LANGS)
def test_every_chart_spec_is_valid_vega_lite(inputs: dict[str, ChartInput], lang: str) -> None:
    drawn = 0
    for definition in registered():
        data = inputs[definition.chart_id]
        if data.measured.empty or (definition.withhold and definition.withhold(data, translator(lang))):
            continue
        definition.draw(data, translator(lang)).to_dict(validate=True)  # raises on an invalid spec
        drawn += 1
    assert drawn >= 9
