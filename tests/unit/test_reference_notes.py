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
    assert any("발표된 수치" in n and "우리 수치와 다른 이유" in n for n in ko), ko
    assert len(en) == len(ko) == len(for_chart("C3"))
    assert "×1.05" in reference_notes("C10", translator("en"))[0]
    assert len({r.id for r in references()}) == len(references())
