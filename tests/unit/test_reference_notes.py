"""Published reference figures: every row has a source and both languages, and each affected chart lists them."""

from __future__ import annotations

from reportgen.charts.reference_notes import reference_notes
from reportgen.charts.references import for_chart, references
from reportgen.i18n.catalogs import translator


def test_every_affected_chart_has_a_reference_with_its_source() -> None:
    for chart in ("C1", "C3", "C5", "C9", "C10"):
        refs = for_chart(chart)
        assert refs, chart
        assert all(r.source and r.checked for r in refs)


def test_notes_name_value_conditions_source_and_why_ours_differ_in_both_languages() -> None:
    en = reference_notes("C3", translator("en"))
    assert any("Firecracker" in n and "125 ms" in n and "SPECIFICATION.md" in n and "TCG" in n for n in en), en
    ko = reference_notes("C3", translator("ko"))
    assert any("발표값" in n and "이 프로젝트의 수치와 다른 이유" in n for n in ko), ko
    assert len(en) == len(ko) == len(for_chart("C3"))
    assert "×1.05" in reference_notes("C10", translator("en"))[0]
    assert len({r.id for r in references()}) == len(references())


def test_c3_draws_each_published_start_time_as_a_reference_mark_on_its_platforms_row() -> None:
    import pandas as pd

    from reportgen.charts.reference_marks import in_seconds, row_marks

    def marks(platforms: list[str]) -> dict[str, tuple[str, float]]:
        frame = pd.DataFrame({"platform": platforms, "label": [f"row {p}" for p in platforms]})
        found = row_marks("C3", "start_time", frame, translator("en"), in_seconds)
        return {r["text"]: (r["label"], r["x"]) for r in found.to_dict("records")}

    deck = marks(["process", "container", "vm"])
    assert deck["crun"] == ("row container", 0.0169) and deck["runc"] == ("row container", 0.0334)
    assert deck["Firecracker"] == ("row vm", 0.125) and deck["fork/exec"][0] == "row process"
    every = marks(["process", "container", "crun", "vm", "microvm"])
    assert every["crun"][0] == "row crun" and every["Firecracker"][0] == "row microvm"  # beside its own technology
    assert "runc" not in marks(["process", "vm"])  # no container row: no container reference


def test_bar_charts_give_each_published_figure_a_row_of_its_own_only_beside_its_family() -> None:
    from reportgen.charts.reference_marks import bound, in_bytes, in_seconds, reference_rows

    en, ko = translator("en"), translator("ko")
    c1 = reference_rows("C1", "memory_bytes", ["process", "vm"], en, in_bytes, lambda r, x: bound(r, en.bytes_iec, en))
    assert list(c1["label"]) == ["Firecracker VMM (published)"] and c1["x"].iloc[0] == 5 * 2**20
    assert c1["text"].iloc[0] == "at most 5.00 MiB"
    assert reference_rows("C1", "memory_bytes", ["process", "container"], en, in_bytes, lambda r, x: "").empty
    c5 = reference_rows("C5", "phase_end", ["microvm"], ko, in_seconds,
                        lambda r, x: bound(r, lambda v: ko.seconds(v, trim=True), ko))
    assert c5["label"].iloc[0] == "Firecracker VMM (발표값)" and c5["text"].iloc[0] == "12밀리초 (6밀리초–60밀리초)"
