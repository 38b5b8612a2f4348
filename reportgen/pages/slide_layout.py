"""Fitting a chart slide's content to the 960 x 540 canvas, and checking that it did fit.

A slide cannot scroll, so sizes are decided before rendering: each chart's
SVG is scaled into a box, and the claims beside or below it get a font size
at which their text fits. Text height is estimated from character widths
(Hangul is a full em wide, Latin about half), which is rough but
deterministic; `overflows()` then lays the real PDF out with WeasyPrint and
reports any box that still runs past its slide, which the tests require to
be none.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

SLIDE_WIDTH = 960
SLIDE_HEIGHT = 540
"""The canvas in CSS pixels: 254 x 142.875 mm at 96 px per inch, the PDF page size."""

BODY_WIDTH = 888
BODY_HEIGHT = 402
"""The slide body between head and foot (templates/css/slides.css: .slide-body)."""

SIDE_FIGURES_WIDTH = 548
SIDE_CLAIMS_WIDTH = 316
"""Side layout: charts on the left, claims on the right (.layout-side)."""

FIGCAPTION_PX = 22
FIGURE_GAP_PX = 10
NOTE_SIZE_PX = 10.5
NOTE_LINE_PX = 16
STACK_GAP_PX = 12
STACK_COLUMN_GAP_PX = 18

MAX_SCALE = 1.25
"""Charts are enlarged at most this much (they are drawn for a 700 px wide page)."""

STACK_MIN_HEIGHT = 170
STACK_MAX_HEIGHT = 250
"""Stack layout: the chart's height range; below the minimum the side layout is used instead."""

CLAIM_SIZES = (13.0, 12.0, 11.0, 10.0)
"""Font sizes tried for the claims, largest first."""

LINE_HEIGHT = 1.4
WORD_SLACK = 1.05
"""Estimated word widths are multiplied by this: char_px is an average, and bold and digits run wider."""


def char_px(ch: str, size: float) -> float:
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return size
    if ch.isupper() or ch.isdigit():
        return size * 0.62
    return size * 0.52


def text_px(text: str, size: float) -> float:
    """Estimated width of `text` on one line at font `size` in the bundled Noto Sans KR."""
    return sum(char_px(ch, size) for ch in text)


def lines(text: str, size: float, width: float) -> int:
    """Estimated lines `text` wraps to in a column `width` px wide, filled word by word as the browser does.

    Lines break only between words (Korean eojeol included: keep-all), so a
    narrow column loses the end of every line a long word does not fit.
    """
    width = max(width, 1.0)
    space = size * 0.26
    count, used = 1, 0.0
    for word in text.split():
        w = text_px(word, size) * WORD_SLACK
        if used and used + space + w > width:
            count, used = count + 1, 0.0
        if not used and w > width:  # a word wider than the column is broken where it must be
            count += math.ceil(w / width) - 1
            w = w % width
        used += (space if used else 0.0) + w
    return count


def claims_height(claims: Sequence[tuple[str, Sequence[str]]], size: float, width: float, quote: str = "") -> float:
    """Estimated height of claim boxes (label, texts) stacked in a column, as slides.css lays them out."""
    line = size * LINE_HEIGHT
    inner = width - 14 - (size * 1.1)  # border + padding, and the bullet indent
    height = (lines(quote, 26, width) * 26 * 1.2 + 18) if quote else 0.0
    for label, texts in claims:
        height += lines(label, size * 0.82, width - 14) * size * 0.82 * LINE_HEIGHT + 2
        height += sum(lines(t, size, inner) * line + 3 for t in texts)
        height += 8 + 10  # padding and margin
    return height


def text_size(paragraphs: Sequence[str], width: float, height: float, sizes: Sequence[float] = (14.0, 13.0, 12.0, 11.0)) -> float:
    """The largest of `sizes` at which `paragraphs` (line height 1.5, 10 px apart) fit in width x height."""
    for size in sizes:
        needed = sum(lines(p, size, width) * size * 1.5 + 10 for p in paragraphs)
        if needed <= height:
            return size
    return sizes[-1]


def notes_height(notes: Sequence[str], width: float) -> float:
    return sum(lines(n, NOTE_SIZE_PX, width) for n in notes) * NOTE_LINE_PX + (4 if notes else 0)


def svg_size(svg: str) -> tuple[float, float]:
    """A rendered chart's width and height, from its root element's viewBox (else width/height)."""
    root = re.match(r"\s*<svg\b[^>]*>", svg)
    head = root.group(0) if root else ""
    box = re.search(r'viewBox="([-\d.\s]+)"', head)
    if box:
        parts = [float(v) for v in box.group(1).split()]
        if len(parts) == 4 and parts[2] > 0 and parts[3] > 0:
            return parts[2], parts[3]
    width = re.search(r'\bwidth="([\d.]+)', head)
    height = re.search(r'\bheight="([\d.]+)', head)
    if width and height:
        return float(width.group(1)), float(height.group(1))
    return 700.0, 300.0


def fit(size: tuple[float, float], box: tuple[float, float]) -> tuple[int, int]:
    """`size` scaled into `box`, aspect ratio kept, enlarged at most MAX_SCALE times."""
    width, height = size
    scale = max(0.05, min(box[0] / width, box[1] / height, MAX_SCALE))
    return int(width * scale), int(height * scale)


@dataclass(frozen=True)
class FigureInput:
    """What the planner needs of one chart: its SVG size (None: no chart, a note instead) and its notes."""

    size: tuple[float, float] | None
    notes: tuple[str, ...]
    missing: str = ""


@dataclass(frozen=True)
class Plan:
    layout: str
    """`stack` (chart above, claims in columns below) or `side` (charts left, claims right)."""
    sizes: tuple[tuple[int, int], ...]
    """Each chart's drawn size (0, 0 without a chart)."""
    claims_size: float


def plan(figures: Sequence[FigureInput], claims: Sequence[tuple[str, Sequence[str]]], quote: str = "") -> Plan:
    """Choose the layout, chart sizes and claims font size for a chart slide."""
    stacked = _plan_stack(figures, claims, quote)
    return stacked if stacked is not None else _plan_side(figures, claims, quote)


def _plan_stack(figures: Sequence[FigureInput], claims: Sequence[tuple[str, Sequence[str]]], quote: str) -> Plan | None:
    if len(figures) != 1 or figures[0].size is None or quote or not claims:
        return None
    fig = figures[0]
    note_px = notes_height(fig.notes, BODY_WIDTH)
    width, height = fit(fig.size, (BODY_WIDTH, STACK_MAX_HEIGHT))
    side_width, _ = fit(fig.size, (SIDE_FIGURES_WIDTH, BODY_HEIGHT - FIGCAPTION_PX - note_px))
    if width <= side_width * 1.05:
        return None  # a tall chart is drawn no larger above its claims than beside them
    column = (BODY_WIDTH - STACK_COLUMN_GAP_PX * (len(claims) - 1)) / len(claims)
    for size in CLAIM_SIZES:
        for h in range(height, STACK_MIN_HEIGHT - 1, -10):
            w, h2 = fit(fig.size, (BODY_WIDTH, h))
            room = BODY_HEIGHT - FIGCAPTION_PX - h2 - note_px - STACK_GAP_PX - 4
            if all(claims_height([c], size, column) <= room for c in claims):
                return Plan("stack", ((w, h2),), size)
    return None


def _plan_side(figures: Sequence[FigureInput], claims: Sequence[tuple[str, Sequence[str]]], quote: str) -> Plan:
    captions = len(figures) * (FIGCAPTION_PX + FIGURE_GAP_PX)
    notes = [notes_height(f.notes, SIDE_FIGURES_WIDTH) for f in figures]
    missing = [0.0 if f.size is not None else 30 + lines(f.missing, 14, SIDE_FIGURES_WIDTH - 34) * 14 * 1.4 for f in figures]
    charts = [f for f in figures if f.size is not None]
    room = BODY_HEIGHT - captions - sum(notes) - sum(missing)
    each = room / max(1, len(charts))
    sizes = tuple(fit(f.size, (SIDE_FIGURES_WIDTH, each)) if f.size is not None else (0, 0) for f in figures)
    chosen = CLAIM_SIZES[-1]
    for size in CLAIM_SIZES:
        if claims_height(claims, size, SIDE_CLAIMS_WIDTH, quote) <= BODY_HEIGHT:
            chosen = size
            break
    return Plan("side", sizes, chosen)


# tables -----------------------------------------------------------------------------------

MATRIX_SIZES = (11.0, 10.5, 10.0, 9.5)
"""Font sizes tried for the C2 matrix on a slide, largest first; below the last the rows are split."""

MATRIX_LINE = 1.35
MATRIX_CELL_PAD = 6 + 1  # padding top + bottom, and the rule under each row


@dataclass(frozen=True)
class CellText:
    """One matrix cell as the slide shows it: a first line (badge and verdict) and evidence lines."""

    lead: str
    evidence: tuple[str, ...] = ()


def cell_height(cell: CellText, size: float, width: float) -> float:
    inner = width - 12
    height = lines(cell.lead, size, inner) * size * MATRIX_LINE
    height += sum(lines(e, size * 0.91, inner) * size * 0.91 * MATRIX_LINE for e in cell.evidence)
    return height + MATRIX_CELL_PAD


def table_height(rows: Sequence[Sequence[CellText]], widths: Sequence[float], size: float) -> float:
    """Estimated height of a table whose rows are cells of `widths` px (the header row included)."""
    header = (size + 1) * MATRIX_LINE + 8
    return header + sum(max(cell_height(c, size, w) for c, w in zip(row, widths)) for row in rows)


def row_words(row: Sequence[CellText]) -> int:
    """Words a matrix row shows: every cell's first line and its evidence lines."""
    return sum(len(c.lead.split()) + sum(len(e.split()) for e in c.evidence) for c in row)


def split_table(
    rows: Sequence[Sequence[CellText]], widths: Sequence[float], height: float, sizes: Sequence[float] = MATRIX_SIZES,
    budget: int | None = None, header_words: int = 0,
) -> tuple[float, tuple[tuple[int, ...], ...]]:
    """A font size and the row groups (indices) so that each group's table fits `height` (and `budget` words).

    One group at the largest size that fits; when none does, the smallest
    size and as few consecutive groups as fill the height (or the word budget).
    """
    total = header_words + sum(row_words(r) for r in rows)
    for size in sizes:
        if table_height(rows, widths, size) <= height and (budget is None or total <= budget):
            return size, (tuple(range(len(rows))),)
    size = sizes[-1]
    groups: list[list[int]] = [[]]
    for i, row in enumerate(rows):
        trial = [rows[j] for j in groups[-1]] + [row]
        over = budget is not None and header_words + sum(row_words(r) for r in trial) > budget
        if groups[-1] and (table_height(trial, widths, size) > height or over):
            groups.append([])
        groups[-1].append(i)
    return size, tuple(tuple(g) for g in groups)


# checking -------------------------------------------------------------------------------


def overflows(document, keys: Sequence[str]) -> list[str]:  # noqa: ANN001 (a weasyprint Document)
    """Every slide of a laid-out deck whose content reaches past its page or out of its `.slide-body`.

    `keys` are the slides' keys in page order. Returns one line per problem;
    empty when every slide fits on its one page.
    """
    problems = []
    if len(document.pages) != len(keys):
        problems.append(f"deck: {len(document.pages)} pages for {len(keys)} slides")
    for number, (page, key) in enumerate(zip(document.pages, keys), start=1):
        for box in _descendants(page._page_box):
            if not _placed(box):
                continue
            right = box.position_x + box.margin_width()
            bottom = box.position_y + box.margin_height()
            if bottom > page.height + 0.5 or right > page.width + 0.5:
                problems.append(f"{key} (page {number}): {_describe(box)} ends at {right:.0f} x {bottom:.0f} px")
                break
        for region in _descendants(page._page_box):
            if "slide-body" not in _classes(region) and "title-block" not in _classes(region):
                continue
            limit_y = region.position_y + region.margin_height()
            limit_x = region.position_x + region.margin_width()
            for inner in _descendants(region):
                if _placed(inner) and hasattr(inner, "text") and inner.text.strip():
                    if inner.position_y + inner.margin_height() > limit_y + 0.5 or inner.position_x + inner.margin_width() > limit_x + 0.5:
                        problems.append(f"{key} (page {number}): text runs out of the slide body: {_describe(inner)}")
                        break
    return problems


def _descendants(box):  # noqa: ANN001, ANN202
    for child in getattr(box, "children", None) or ():
        yield child
        yield from _descendants(child)


def _placed(box) -> bool:  # noqa: ANN001
    return hasattr(box, "position_y") and hasattr(box, "margin_height") and hasattr(box, "margin_width")


def _classes(box) -> list[str]:  # noqa: ANN001
    element = getattr(box, "element", None)
    return (element.get("class") or "").split() if element is not None else []


def _describe(box) -> str:  # noqa: ANN001
    text = " ".join(_text(box).split())
    return f"<{getattr(box, 'element_tag', '?')}> {text[:70]!r}"


def _text(box) -> str:  # noqa: ANN001
    if hasattr(box, "text"):
        return str(box.text)
    return " ".join(_text(child) for child in getattr(box, "children", None) or ())


def layout_document(html: str, base_url: Path):  # noqa: ANN201
    """Lay `html` out with WeasyPrint (no file written), for overflows()."""
    from reportgen.writers import korean_breaks, pdf

    weasyprint = pdf._weasyprint()
    return weasyprint.HTML(string=korean_breaks.prepare(html), base_url=str(base_url) + "/").render()
