"""Computed verdicts: the sentence under a chart saying whether the measurement confirms the deck's claim.

A verdict is never written by hand: it is one of `confirmed`, `contradicted`
or `depends`, derived from the statistics (a 95% CI comparison of medians, or
an exact comparison of counts), and the sentence names the test it rests on
and by how much. When the data change, the verdict changes with them.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.i18n.catalogs import N_, Translator

CONFIRMED, CONTRADICTED, DEPENDS = "confirmed", "contradicted", "depends"
WORDS = {CONFIRMED: N_("Confirmed"), CONTRADICTED: N_("Contradicted"), DEPENDS: N_("Partly confirmed")}
TESTS = {
    "ci": N_("CIs of the medians compared: a change counts only when the intervals do not overlap; they are 95% "
             "intervals, or less with fewer than 6 samples, as the notes say"),
    "exact": N_("exact counts compared"),
    "exact_sizes": N_("exact sizes in bytes compared, no sampling"),
    "ratio_ci": N_("ratios to the bare process compared by their Mann–Whitney CIs (Hodges–Lehmann estimates): a "
                   "difference counts only when the intervals do not overlap; they are 95% intervals, or less with "
                   "few samples, as the notes say"),
}


@dataclass(frozen=True)
class Verdict:
    kind: str
    """confirmed, contradicted or depends."""
    by: str
    """How much, already formatted (a ratio, a count)."""
    test: str
    """Key of TESTS: what the verdict rests on."""


def ci_change(low_a: float, high_a: float, low_b: float, high_b: float) -> str:
    """`higher`, `lower` or `same`: whether b's CI lies wholly above, wholly below, or overlaps a's."""
    if low_b > high_a:
        return "higher"
    if high_b < low_a:
        return "lower"
    return "same"


def combine(parts: list[bool | None]) -> str:
    """All parts agree with the claim: confirmed; none: contradicted; some: partly confirmed (`depends`). None = no evidence."""
    known = [p for p in parts if p is not None]
    if not known:
        return ""
    if all(known):
        return CONFIRMED
    if not any(known):
        return CONTRADICTED
    return DEPENDS


def density_kind(containers: float, vms: float, claimed_ratio: float) -> str:
    """Exact counts against a claimed ratio: at least the claim → confirmed; more but less → depends; else contradicted."""
    if containers <= vms:
        return CONTRADICTED
    if vms == 0 or containers / vms >= claimed_ratio:
        return CONFIRMED
    return DEPENDS


def sentence(tr: Translator, verdict: Verdict, claim: str, detail: str) -> str:
    """`The deck claims that …. Verdict: Confirmed. Measured: ×2.1 (…). … (Test: ….)` in `tr`'s language.

    The claim is our summary of the deck's words, not a quotation (the slide shows the deck's own bullets),
    so it is written without quotation marks."""
    return tr("The deck claims that {claim}. Verdict: {word}. Measured: {by}. {detail} (Test: {test}.)").format(
        claim=claim, word=tr(WORDS[verdict.kind]), by=verdict.by, detail=detail, test=tr(TESTS[verdict.test]))
