"""C2's evidence lines write one quantity in one unit across the matrix row."""

from __future__ import annotations

import pandas as pd

from reportgen.charts.base import ChartInput
from reportgen.charts.c2_evidence import image_size
from reportgen.i18n.catalogs import translator


def test_every_platforms_image_is_written_in_the_unit_of_the_largest() -> None:
    sizes = {"process": 2_000_000.0, "container": 760_000.0, "vm": 9_000_000.0}
    summary = pd.DataFrame([{"dataset": "ds@v1", "platform": p, "n": 1, "value": v} for p, v in sizes.items()])
    inputs = {"C4": ChartInput(summary, ("ds@v1",))}
    texts = {p: image_size(inputs, p, translator("en"))[0].text for p in sizes}
    assert texts == {"process": "image 1.91 MiB", "container": "image 0.725 MiB", "vm": "image 8.58 MiB"}, texts
