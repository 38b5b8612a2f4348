"""What makes ten million samples fit (issue 15, item 4), each checked against the plain way it replaces.

- datasets are read with their text as narrow dictionaries and give back the same values;
- order statistics of the n·m pairwise differences are counted (pairwise.py), bit for bit those of the sort;
- sorted categoricals group as the strings do, and text tests by dictionary code agree with pyarrow's;
- the CSV export is streamed with the same bytes, and left out (with a note) above a spreadsheet's rows.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pytest

import collector.dataset.pairwise as pairwise
import collector.dataset.statistics as statistics
from collector.dataset import categorical_frame, median_groups, plain, read_dataset, sorted_categorical, texts_in, write_version
from collector.dataset.schema import conform
from reportgen.load.summaries import details, parse_detail
from reportgen.writers import downloads
from tests.unit.dataset_factory import detail, make_manifest, make_samples


# reading ------------------------------------------------------------------------------------


def test_text_is_read_as_narrow_dictionaries_with_the_same_values(tmp_path: Path) -> None:
    n = 300  # more distinct details than an int8 index holds: that column gets int16
    table = make_samples(n, detail=[detail(i=i) for i in range(n)], error=None)
    write_version(tmp_path / "d", table, make_manifest())
    back = read_dataset(tmp_path / "d")
    types = back.samples.schema
    assert types.field("platform").type == pa.dictionary(pa.int8(), pa.string())
    assert types.field("detail").type == pa.dictionary(pa.int16(), pa.string())
    assert plain(back.samples).equals(conform(table))


def test_many_row_groups_read_as_one_table_of_the_same_values(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from collector.dataset.samples_file import read_samples

    table = conform(make_samples(50, detail=[detail(i=i % 7) for i in range(50)]))
    sink = io.BytesIO()
    pq.write_table(table, sink, row_group_size=8)  # seven row groups, each with its own dictionaries
    read, _ = read_samples(pa.BufferReader(sink.getvalue()), current=True)
    assert plain(read).equals(table)
    assert len(read["detail"].chunk(0).dictionary) <= 7


# pairwise order statistics ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["continuous", "rounded", "tied"])
def test_counted_order_statistics_are_those_of_the_sorted_differences(kind: str, monkeypatch) -> None:
    rng = np.random.default_rng(7)
    for trial in range(40):
        n, m = (int(v) for v in rng.integers(1, 300, 2))
        x, y = rng.normal(0, 0.05, n), rng.normal(0.01, 0.05, m)
        if kind == "rounded":
            x, y = np.round(x, 2), np.round(y, 2)
        if kind == "tied":
            x[:] = 0.5
            y[: m // 2] = 0.25
        monkeypatch.setattr(pairwise, "FEW", int(rng.integers(1, 500)))  # bisect as far as the big samples do
        d = np.sort((x[:, None] - y[None, :]).ravel())
        pairs = pairwise.Pairs(x, y)
        for k in {1, d.size, (d.size + 1) // 2, int(rng.integers(1, d.size + 1))}:
            assert pairs.kth(k) == d[k - 1], (trial, k)
        assert pairwise.median(pairs) == float(np.median(d))


def test_a_big_ratio_is_the_same_counted_or_sorted(monkeypatch) -> None:
    rng = np.random.default_rng(3)
    x, y = rng.lognormal(0, 0.05, 700), rng.lognormal(0.02, 0.05, 800)  # 560,000 pairs: counted
    counted = statistics.ratio_ci(x, y)
    monkeypatch.setattr(statistics, "SORTED_PAIRS", 10**9)
    assert statistics.ratio_ci(x, y) == counted


# frames -------------------------------------------------------------------------------------


def test_sorted_categoricals_group_as_the_strings_do() -> None:
    texts = ["vm", None, "container", "process", "vm", "container", None, "process"]
    column = pa.chunked_array([pa.array(texts[:4]).dictionary_encode(), pa.array(texts[4:]).dictionary_encode()])
    values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    as_strings = median_groups(pd.DataFrame({"p": texts, "value": values, "ok": True, "error": None}), ["p"])
    as_codes = median_groups(
        categorical_frame(pa.table({"p": column, "value": values, "ok": [True] * 8, "error": pa.nulls(8, pa.string())})),
        ["p"])
    assert as_codes["p"].astype(object).where(as_codes["p"].notna(), None).tolist() == \
        as_strings["p"].astype(object).where(as_strings["p"].notna(), None).tolist()
    assert as_codes["median"].tolist() == as_strings["median"].tolist()
    assert list(sorted_categorical(column, fill="").categories) == ["", "container", "process", "vm"]


def test_texts_in_agrees_with_pyarrow_on_dictionaries_and_plain_text() -> None:
    texts = pa.array(["C3", None, "C9", "C3", "C12"])
    for column in (pa.chunked_array([texts]), pa.chunked_array([texts.dictionary_encode()])):
        assert texts_in(column, ["C3", "C12"]).to_pylist() == [True, None, False, True, True]
    assert pc.equal(texts, "C3").to_pylist() == [True, None, False, True, False]


def test_each_distinct_detail_is_parsed_once_and_absent_ones_give_none() -> None:
    parse_detail.cache_clear()
    frame = pd.DataFrame({"detail": ['{"n": 3}', None, '{"n": 3}', "not json", '{"n": 4}']})
    got = details(frame, "n")["n"].tolist()
    assert got[0] == 3 and got[2] == 3 and got[4] == 4 and pd.isna(got[1]) and pd.isna(got[3])
    assert parse_detail.cache_info().currsize == 3  # the three distinct texts


# the CSV export ------------------------------------------------------------------------------


def test_streamed_csv_is_the_same_bytes_and_big_datasets_get_none(tmp_path: Path, monkeypatch) -> None:
    table = make_samples(40, error=[None] * 39 + ["=HYPERLINK(1)"])
    write_version(tmp_path / "d", table, make_manifest())
    dataset = read_dataset(tmp_path / "d")
    entry = downloads.PublishedDataset(dataset, "d/v1", True)
    files = {f.name: f for f in downloads.write_files(entry, tmp_path / "out")}
    written = (tmp_path / "out" / "d" / "v1" / "samples.csv").read_bytes()
    whole = io.BytesIO()  # the export as it was made before it was streamed: the plain table in one write
    pacsv.write_csv(downloads.neutralised(plain(dataset.samples)), whole,
                    pacsv.WriteOptions(include_header=True, quoting_style="needed"))
    assert written == whole.getvalue() and files["samples.csv"].size == len(written)
    assert b"'=HYPERLINK(1)" in written  # the formula still neutralised, now in the dictionary
    monkeypatch.setattr(downloads, "CSV_MAX_SAMPLES", 39)
    files = {f.name for f in downloads.write_files(entry, tmp_path / "big")}
    assert files == {"manifest.json", "samples.parquet", "SHA256SUMS"}
    assert "samples.csv" not in (tmp_path / "big" / "d" / "v1" / "SHA256SUMS").read_text()


def test_a_dataset_page_without_csv_says_why(tmp_path: Path, startup_dataset: Path, monkeypatch) -> None:
    from reportgen.commands.build import BuildOptions, build

    monkeypatch.setattr(downloads, "CSV_MAX_SAMPLES", 10)
    out = tmp_path / "site"
    build(BuildOptions(datasets=(str(startup_dataset),), out=out, langs=("ko",), pdf=False, slides=False, cache=False))
    page = (out / "ko" / "datasets" / "reference-v1.html").read_text()
    assert "CSV 내보내기는 없습니다" in page and "스프레드시트" in page and "1,048,576" not in page
    assert "(11)" in page and 'data-file="samples.csv"' not in page


def test_many_datasets_one_value_dictionaries_combine_with_a_wider_index() -> None:
    from reportgen.load.datasets import _constant

    from collector.dataset import unified

    many = pa.concat_tables([pa.table({"dataset": _constant(f"host-{i:03d}@v1", 2)}) for i in range(300)],
                            promote_options="permissive")  # int8 indices each: their union needs int16
    column = unified(many["dataset"])
    assert column.type.index_type == pa.int16() and len(column.chunk(0).dictionary) == 300
    assert list(sorted_categorical(many["dataset"]).categories)[:2] == ["host-000@v1", "host-001@v1"]
    assert column.to_pylist() == many["dataset"].to_pylist()
