"""Odd but valid strings (script, markup, formulas, escape sequences in free text) land escaped everywhere.

One dataset, made from the golden v1, carries them in the host's label, CPU
model and OS, an operator note, a failed sample's error text and a detail.
It builds (HTML, site, CSV; no PDF, which is the same page through WeasyPrint)
and diffs; each output is checked where the strings land.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import altair as alt
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from reportgen.rendering.render_svg import render
from reportgen.cli import app
from tests.shared_builds import shared
from tests.unit.hostile_cases import GOLDEN, _rehash, _write_table, tree_hashes

SCRIPT = "<script>alert(1)</script>"
ODD = f'{SCRIPT} & "q" \'a\' \x1b[31m[red]x[/] \u202eevil'
FORMULA = '=HYPERLINK("http://127.0.0.1/x","y")<b>bold</b>'
FONTS = Path(__file__).resolve().parents[2] / "templates" / "fonts"
runner = CliRunner()


@pytest.fixture(scope="module")
def odd_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared(tmp_path_factory, "odd", lambda root: _odd_dataset(root / "odd" / "v1"))  # once for all workers


def _odd_dataset(folder: Path) -> Path:
    shutil.copytree(GOLDEN, folder)
    table = pq.read_table(folder / "samples.parquet")
    n = table.num_rows
    ok = table["ok"].to_pylist()
    value = table["value"].to_pylist()
    error = table["error"].to_pylist()
    detail = table["detail"].to_pylist()
    ok[0], value[0], error[0] = False, None, FORMULA
    detail[1] = "-2+3 " + ODD
    for name, values in (("ok", ok), ("value", value), ("error", error), ("detail", detail)):
        table = table.set_column(table.schema.get_field_index(name), name, pa.array(values, table[name].type))
    assert n == table.num_rows
    _write_table(folder, table)
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    manifest["host"].update(label=ODD, cpu_model="<img src=x onerror=alert(1)>", os=ODD)
    manifest["notes"]["operator"] = ODD
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    _rehash(folder, "samples.parquet", (folder / "samples.parquet").read_bytes())
    return folder


@pytest.fixture(scope="module")
def built(odd_dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    def make(folder: Path) -> Path:
        out = folder / "out"
        before = tree_hashes(odd_dataset.parent)
        result = runner.invoke(app, ["build", str(odd_dataset), "--out", str(out), "--no-pdf", "--no-slides"])
        assert result.exit_code == 0, result.output[-3000:]
        assert tree_hashes(odd_dataset.parent) == before
        return out

    return shared(tmp_path_factory, "odd-site", make)


def test_pages_show_the_text_escaped_never_as_markup(built: Path) -> None:
    pages = {p: p.read_text("utf-8") for p in built.rglob("*.html")}
    assert pages
    joined = "\n".join(pages.values())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in joined  # the label is shown, as text
    for path, text in pages.items():
        assert SCRIPT not in text and "<img src=x" not in text and "<b>bold</b>" not in text, path
        assert "\x1b" not in text, path


def test_csv_cells_that_look_like_formulas_are_neutralised(built: Path) -> None:
    csv_path = built / "datasets" / "reference" / "v1" / "samples.csv"  # outside the datasets root: <name>/<version>
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text("utf-8"))))
    assert rows[0]["error"] == "'" + FORMULA
    assert rows[1]["detail"].startswith("'-2+3")
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row.values() if cell)
    assert float(rows[2]["value"]) == pytest.approx(float(rows[2]["value"]))  # numbers stay numbers
    # the Parquet download is the dataset byte for byte: only the CSV export is neutralised
    assert pq.read_table(csv_path.with_name("samples.parquet"))["error"][0].as_py() == FORMULA


def test_diff_outputs_escape_host_text(odd_dataset: Path) -> None:
    md = runner.invoke(app, ["diff", str(GOLDEN), str(odd_dataset), "--format", "md"])
    assert md.exit_code in (0, 1), md.output
    assert SCRIPT not in md.output and "\\<script\\>" in md.output and "\x1b" not in md.output
    js = runner.invoke(app, ["diff", str(GOLDEN), str(odd_dataset), "--format", "json"])
    doc = json.loads(js.stdout)
    assert ODD in [d["new"] for d in doc["host_differences"]]  # JSON keeps the text exactly, escaped by JSON
    assert "\x1b" not in js.stdout
    table = runner.invoke(app, ["diff", str(GOLDEN), str(odd_dataset)])
    assert "\x1b[31m" not in table.output and "\\x1b" in table.output
    assert "[red]x[/]" in table.output  # shown literally, not read as rich markup


def test_chart_labels_and_tooltips_are_escaped_in_the_svg() -> None:
    frame = pd.DataFrame({"label": [ODD, FORMULA], "v": [1.0, 2.0]})
    chart = alt.Chart(frame, title=ODD).mark_bar(tooltip=True).encode(
        x=alt.X("label:N", title=ODD), y="v:Q", tooltip=["label", "v"])
    svg = str(render(chart, chart_id="C99", alt_text=ODD, vega_locale="en-US", font_dir=FONTS))
    assert "<script" not in svg and "<b>" not in svg and "\x1b" not in svg
    assert "&lt;script&gt;" in svg
