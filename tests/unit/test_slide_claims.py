"""A claims slide never cuts the deck's words for a verdict: a long verdict gets its own slide after the charts."""

from __future__ import annotations

from markupsafe import Markup

from reportgen.i18n.catalogs import translator
from reportgen.pages.contexts import ChartBlock
from reportgen.pages.deck import DECK
from reportgen.pages.slide_claims import claim_slides
from reportgen.pages.slide_fit import _clauses, _joined

EN = translator("en")
SLIDE_6 = next(s for s in DECK if s.deck == "6")


def block(passage: str) -> ChartBlock:
    return ChartBlock("C3", "chart-C3", "t", "c", "alt", Markup("<svg></svg>"), None, passage=passage)


def test_short_figures_share_the_claims_slide() -> None:
    slide_7 = next(s for s in DECK if s.deck == "7")  # one bullet of the deck's
    (claims, _), after = claim_slides(slide_7, [block("Container: 2.1 MB.")], EN)
    assert after is None and [c.kind for c in claims] == ["deck", "measured"]


def test_a_verdict_that_would_cut_a_deck_bullet_goes_after_the_charts() -> None:
    verdict = ("The deck claims that VMs boot in minutes, containers start in seconds. Verdict: Partly confirmed. Measured: ×10.6 "
               "(VM start ÷ container start). Containers started faster than VMs (the CIs do not overlap).")
    (claims, rest), after = claim_slides(SLIDE_6, [block(verdict)], EN)
    deck = next(c for c in claims if c.kind == "deck")
    assert deck.texts == tuple(EN(b) for b in SLIDE_6.bullets) and not rest  # every bullet of the deck stays
    assert "measured" not in [c.kind for c in claims]
    assert after is not None and after[0][0].kind == "measured" and after[0][0].texts[0].startswith("The deck claims")


def test_a_measured_sentence_is_cut_at_semicolons_but_not_inside_a_quoted_claim() -> None:
    text = "Verdict on the deck's claim “no isolation; isolation”: Partly confirmed. Measured: process ×1.1; container ×1.0."
    pieces = _clauses(text)
    assert pieces == ["Verdict on the deck's claim “no isolation; isolation”: Partly confirmed. Measured: process ×1.1;", "container ×1.0."]
    assert _joined(pieces) == text  # clauses run on with a space, not the figures' middle dot
