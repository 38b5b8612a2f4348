"""What a classroom slide may hold: at most WORD_BUDGET words; the rest goes to the speaker notes.

A slide read from the back of a room carries one idea in large type (18 pt
body text, 14 pt chart labels: templates/css/slides.css and
reportgen/rendering/slide_svg.py). These helpers count words the way a reader
(and pdfplumber) does, by spaces, and keep whole sentences, bullets, facts
and table rows up to the budget; what is left is returned for the notes.
"""

from __future__ import annotations

import re
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence, TypeVar

from markupsafe import Markup

from reportgen.bundled import bundled

if TYPE_CHECKING:
    from reportgen.i18n.catalogs import Translator
    from reportgen.pages.contexts import ChartBlock
    from reportgen.pages.slide_claims import Claim
    from reportgen.pages.slides import SlideFigure

WORD_BUDGET = 60
"""Words of body text on one slide (title, footer and chart labels aside)."""

T = TypeVar("T")


def words(text: str) -> int:
    """Words in `text`, counted by spaces (a Korean eojeol is one word)."""
    return len(text.split())


def sentences(text: str) -> list[str]:
    """`text` cut after each sentence end (. ! ? 。 followed by a space)."""
    return [part for part in re.split(r"(?<=[.!?。])\s+", text.strip()) if part]


def within(items: Sequence[T], budget: int, count=lambda item: words(str(item))) -> tuple[list[T], list[T]]:  # noqa: ANN001
    """The leading `items` whose words fit `budget` (at least one), and the rest."""
    kept: list[T] = []
    used = 0
    for i, item in enumerate(items):
        n = count(item)
        if kept and used + n > budget:
            return kept, list(items[i:])
        kept.append(item)
        used += n
    return kept, []


def fact_words(fact: object) -> int:
    """Words of a labelled fact (label and value); at least 6, since a fact takes a line of its own or two."""
    return max(6, words(f"{getattr(fact, 'label', '')} {getattr(fact, 'value', '')}"))


def chunks(items: Sequence[T], budget: int, count=lambda item: words(str(item))) -> list[list[T]]:  # noqa: ANN001
    """`items` in as few consecutive groups of at most `budget` words as hold them (a longer item makes a
    group alone), shared out evenly: the smallest budget that needs no more groups, so no slide is left
    with one short sentence."""
    return evenly(lambda share: _greedy(items, max(1, int(budget * share)), count))


def evenly(pack: Callable[[float], list[T]]) -> list[T]:
    """What `pack(share)` makes with the smallest share of a slide (0.5 to 1) that needs no more slides than
    a full one: the same number of slides, filled evenly, so the last is not left with a scrap."""
    fewest = pack(1.0)
    for share in (0.5, 0.6, 0.7, 0.8, 0.9):
        pages = pack(share)
        if len(pages) == len(fewest):
            return pages
    return fewest


def _greedy(items: Sequence[T], budget: int, count) -> list[list[T]]:  # noqa: ANN001
    groups: list[list[T]] = []
    rest = list(items)
    while rest:
        group, rest = within(rest, budget, count)
        groups.append(group)
    return groups


# slides for a classroom -------------------------------------------------------------------

CLASSROOM_PX = 24.0
"""Body text on a slide: 24 px on the 960 x 540 canvas = 18 pt on the 720 x 405 pt page."""

FONT_DIR = bundled("templates") / "fonts"
"""The bundled font the slide charts are drawn with (the default theme's)."""

CHART_BOX = (888.0, 402.0 - 6.0 - 34.0 - 4.0)
"""A chart slide's figure: the body's width; its height (402 px less the slide's 6 px top rule) less the caption line."""


def classroom_claims(claims: Sequence["Claim"], quote: str = "", slack: int = 6) -> tuple[tuple["Claim", ...], list[str]]:
    """The claims a slide shows within WORD_BUDGET (whole bullets and sentences), and what goes to the notes.

    Every claim keeps its label and its first text, so the deck's words and
    what was measured both stay on the slide; the measured passage is cut
    into sentences and kept as far as the budget allows.
    """
    from dataclasses import replace

    parts = [[piece for t in c.texts for s in (sentences(t) if c.kind == "measured" else [t])
              for piece in (_clauses(s) if c.kind == "measured" else [s])] for c in claims]
    shown = [p[:1] for p in parts]
    used = words(quote) + sum(words(c.label) + sum(map(words, kept)) for c, kept in zip(claims, shown))
    rest: list[str] = []
    for kept, texts in zip(shown, parts):
        for i, text in enumerate(texts[1:], start=1):
            if used + words(text) > WORD_BUDGET - slack:  # words the PDF reads apart (×1.1, 95%) and a chart id
                rest += texts[i:]
                break
            kept.append(text)
            used += words(text)
    for kept in shown:  # a list of clauses cut short ends the slide's sentence, not on a dangling semicolon
        if kept and kept[-1].endswith(";"):
            kept[-1] = kept[-1][:-1] + "."
    return tuple(
        replace(c, texts=(_joined(kept),) if c.kind == "measured" else tuple(kept)) for c, kept in zip(claims, shown)
    ), rest


def _clauses(sentence: str) -> list[str]:
    """A measured sentence cut at its semicolons (one clause per platform, as C12's passage lists them), so
    the slide keeps as many whole clauses as the budget allows."""
    pieces, start, depth = [], 0, 0
    for i, ch in enumerate(sentence):
        depth += {"“": 1, "”": -1}.get(ch, 0)  # a quoted claim is not cut: its halves would mean nothing alone
        if depth <= 0 and sentence.startswith("; ", i):
            pieces.append(sentence[start:i + 1])
            start = i + 2
    return [*pieces, sentence[start:]]


def _joined(parts: Sequence[str]) -> str:
    """Sentences and clauses (cut at "; ") run on with a space; figures (`Platform: median`, no sentence end)
    with a middle dot."""
    return " ".join(parts) if all(re.search(r"[.!?。;]$", p) for p in parts) else " · ".join(parts)


class SlideCharts:
    """A deck's slide charts (slide_svg.render_for_slide), all started at once and taken in slide order.

    A chart slide costs one to a dozen vl-convert renders while its size is
    fitted to the slide, and vl-convert renders one chart at a time in a
    process however many threads ask. Started on the build's worker processes
    as soon as the report's charts exist, the deck's fifty-odd renders use the
    cores the build's own process leaves idle. Each render depends only on its
    spec, so the SVGs are the same wherever they are made.
    """

    def __init__(self, submit: "Callable[..., Future[Any]] | None", tr: "Translator", font_dir: Path) -> None:
        """`submit`: how a render goes to the build's workers (commands/workers.py: `Jobs.first`, ahead of the PDFs,
        since the decks wait for them); None renders each chart here when it is asked for."""
        self.submit, self.tr, self.font_dir = submit, tr, font_dir
        self.started: dict[tuple[str, int], Future[tuple[Markup, tuple[int, int]]]] = {}

    def start(self, blocks: Iterable["ChartBlock | None"]) -> None:
        """Start every slide render of `blocks` (each part of a split chart, or the whole chart)."""
        for block in blocks:
            if block is not None and block.svg is not None and block.spec is not None:
                for part in range(len(block.slide_specs)) or (-1,):
                    self._start(block, part)

    def get(self, block: "ChartBlock", spec: "Mapping[str, Any] | None") -> tuple[Markup, tuple[int, int]]:
        """The render of `spec` (one of `block.slide_specs`; None: the block's own spec), started if it was not."""
        return self._start(block, -1 if spec is None else block.slide_specs.index(spec)).result()

    def _start(self, block: "ChartBlock", part: int) -> "Future[tuple[Markup, tuple[int, int]]]":
        from reportgen.rendering.slide_svg import render_for_slide

        key = (block.chart_id, part)
        if key not in self.started:
            spec = block.spec if part < 0 else block.slide_specs[part]
            options = dict(chart_id=block.chart_id, alt_text=block.alt, vega_locale=self.tr.vega_locale,
                           font_dir=self.font_dir)
            if self.submit is None:
                self.started[key] = Future()
                self.started[key].set_result(render_for_slide(spec, CHART_BOX, **options))
            else:
                self.started[key] = self.submit(render_for_slide, spec, CHART_BOX, **options)
        return self.started[key]


def slide_chart(fig: "SlideFigure", block: "ChartBlock | None", charts: SlideCharts,
                spec: "Mapping[str, Any] | None" = None) -> "SlideFigure":
    """`fig` redrawn for its own slide (rendering/slide_svg.py, through `charts`), from `spec` when given (one
    part of a split chart); its notes are left to the speaker notes."""
    from dataclasses import replace

    if block is None or block.svg is None or block.spec is None:
        kept, _ = within(sentences(fig.missing or ""), WORD_BUDGET // 2)
        return replace(fig, notes=(), missing=" ".join(kept) if fig.missing else fig.missing)
    svg, (width, height) = charts.get(block, spec)
    return replace(fig, svg=svg, width=width, height=height, notes=())


def chart_slides(figures: Sequence["SlideFigure"], blocks: Sequence["ChartBlock | None"]
                 ) -> list[tuple["SlideFigure", "ChartBlock | None", "Mapping[str, Any] | None", str]]:
    """One (figure, block, spec, title suffix) per chart slide: a chart split for the slides
    (charts/slide_parts.py) gives one per part, numbered " (2/3)" after the slide's title; any other one
    (spec None: the block's own) has no suffix."""
    out: list[tuple["SlideFigure", "ChartBlock | None", "Mapping[str, Any] | None", str]] = []
    for fig, block in zip(figures, blocks):
        parts = block.slide_specs if block is not None else ()
        if not parts:
            out.append((fig, block, None, ""))
        out.extend((fig, block, part, f" ({n}/{len(parts)})") for n, part in enumerate(parts, start=1))
    return out
