"""Every chart's Vega-Lite spec validates against the schema (the build skips validation for speed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.commands.build import summarise
from reportgen.charts import registered
from reportgen.i18n.catalogs import LANGS, translator
from reportgen.load.datasets import load
from tests.report_fixtures import make_startup_dataset, make_suites_dataset


@pytest.mark.parametrize("lang", LANGS)
def test_every_chart_spec_is_valid_vega_lite(tmp_path: Path, lang: str) -> None:
    a = make_suites_dataset(tmp_path / "suites")
    b = make_startup_dataset(tmp_path / "startup")
    inputs = summarise(load((str(a), str(b))))
    drawn = 0
    for definition in registered():
        data = inputs[definition.chart_id]
        if data.measured.empty or (definition.withhold and definition.withhold(data, translator(lang))):
            continue
        definition.draw(data, translator(lang)).to_dict(validate=True)  # raises on an invalid spec
        drawn += 1
    assert drawn >= 9
