"""Reading built PDFs back, for tests: words split at line ends, invisible characters, slide type sizes and words.

    splits(pdf, source)       line ends that fall inside a word of `source` (the text the PDF was set from)
    invisible(pdf)            invisible characters in the text `pdftotext` copies out (WJ, ZWSP, SHY, NBSP, ...)
    slide_measures(pdf)       per page: the smallest body and chart font sizes (pt) and the body's word count

`splits` reads `pdftotext -bbox-layout`: for consecutive lines of one flow
(the next line at most 1.6 line heights lower), the last word of a line and
the first word of the next are joined; it is a split when the source has
them joined (`컨테이너`) and never apart (`컨테/이너` is not a word). Kinds:
`hangul` (both sides Hangul syllables) and `num-unit` (a number and its unit,
`1.83/초`, `1.73/ms`); other joins (hyphenated names, hashes) are allowed.
"""

from __future__ import annotations

import html as htmllib
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

HANGUL = re.compile("[\uac00-\ud7a3]")
BLOCK_TAGS = (r"p|div|li|ul|ol|td|th|tr|table|thead|tbody|caption|h[1-6]|br|dt|dd|dl|figure|figcaption|section|"
              r"header|footer|nav|aside|article|blockquote|text|tspan|title|desc|option|hr|img|main|body|span")
INVISIBLE = {"\u2060": "WJ", "\u200b": "ZWSP", "\ufeff": "ZWNBSP", "\u00ad": "SHY", "\u00a0": "NBSP", "\u200c": "ZWNJ",
             "\u200d": "ZWJ"}
UNIT_START = re.compile(r"^(ms|µs|s|min|h|%|KiB|MiB|GiB|B)\b|^[\uac00-\ud7a3]")
XHTML = "{http://www.w3.org/1999/xhtml}"


def source_text(html: str) -> str:
    """The text nodes of `html`, one block per line (what a word may not be split across)."""
    raw = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S | re.I)
    raw = re.sub(r"<!--.*?-->", "", raw, flags=re.S)
    raw = re.sub(rf"</?(?:{BLOCK_TAGS})\b[^>]*>", "\n", raw, flags=re.I)
    raw = re.sub(r"<[^>]+>", "", raw)
    return re.sub(r"[ \t\u00a0]+", " ", htmllib.unescape(raw))


def _runs(pdf: Path) -> list[tuple[int, list[list[str]]]]:
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    root = ET.fromstring(re.sub(rb"<!DOCTYPE[^>]*>", b"", out))
    runs = []
    for number, page in enumerate(root.iter(XHTML + "page"), 1):
        for flow in page.iter(XHTML + "flow"):
            run: list[list[str]] = []
            previous = None
            for line in flow.iter(XHTML + "line"):
                words = [w.text or "" for w in line.iter(XHTML + "word")]
                if not words:
                    continue
                top, bottom = float(line.get("yMin")), float(line.get("yMax"))
                if previous is not None and not (0 < top - previous[0] < 1.6 * (previous[1] - previous[0])):
                    runs.append((number, run))
                    run = []
                run.append(words)
                previous = (top, bottom)
            if run:
                runs.append((number, run))
    return runs


def splits(pdf: Path, source: str) -> list[str]:
    """`p<page> <kind> <a>/<b>` for every line end inside a Hangul word or between a number and its unit."""
    found = []
    for number, lines in _runs(pdf):
        for first, second in zip(lines, lines[1:]):
            a, b = first[-1], second[0]
            if a + b in source and f"{a} {b}" not in source:
                if HANGUL.match(a[-1]) and HANGUL.match(b[0]):
                    found.append(f"p{number} hangul {a}/{b}")
                elif re.search(r"\d$", a) and UNIT_START.match(b):
                    found.append(f"p{number} num-unit {a}/{b}")
            elif re.search(r"\d$", a) and UNIT_START.match(b) and f"{a} {b}" in source and a + "\n" not in source:
                found.append(f"p{number} num-unit {a}/{b}")
    return found


def invisible(pdf: Path) -> dict[str, int]:
    """Invisible characters in the text copied out of `pdf` (`pdftotext`), by name."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    return {name: text.count(ch) for ch, name in INVISIBLE.items() if ch in text}


@dataclass(frozen=True)
class SlideMeasure:
    page: int
    body_min: float
    """Smallest body text (pt), head and foot aside; 0 when the slide has none."""
    chart_min: float
    """Smallest chart label (pt); 0 without a chart."""
    words: int
    """Words of body text (charts, title and footer aside)."""


def slide_measures(pdf: Path, regions: list[list[dict[str, float | str]]]) -> list[SlideMeasure]:
    """Per page of a slide PDF, sizes and words; `regions` per page: rectangles (pt) of charts (`chart`) and chrome."""
    import pdfplumber

    def kind(obj: dict, rects: list[dict]) -> str:
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        for r in rects:
            if r["x0"] - 0.5 <= cx <= r["x1"] + 0.5 and r["top"] - 0.5 <= cy <= r["bottom"] + 0.5:
                return "chart" if r["kind"] == "chart" else "chrome"
        return "body"

    measures = []
    with pdfplumber.open(str(pdf)) as document:
        for number, page in enumerate(document.pages, 1):
            rects = regions[number - 1] if number - 1 < len(regions) else []
            sizes: dict[str, list[float]] = {"body": [], "chart": [], "chrome": []}
            for ch in page.chars:
                if ch["text"].strip():  # a rotated glyph's size is its box's thickness across the line
                    size = ch["size"] if ch.get("upright", True) else ch["x1"] - ch["x0"]
                    sizes[kind(ch, rects)].append(round(size, 1))
            words = sum(kind(w, rects) == "body" for w in page.extract_words(x_tolerance=1.5))
            measures.append(SlideMeasure(number, min(sizes["body"], default=0.0), min(sizes["chart"], default=0.0), words))
    return measures


def slide_regions(html: str, base_url: Path) -> list[list[dict[str, float | str]]]:
    """Lay the slide HTML out and return, per page, the rectangles (pt) of charts, slide heads and feet."""
    from reportgen.pages.slide_layout import layout_document

    px = 0.75

    def walk(box):  # noqa: ANN001, ANN202
        for child in getattr(box, "children", None) or ():
            yield child
            yield from walk(child)

    pages = []
    for page in layout_document(html, base_url).pages:
        rects, seen = [], set()
        for box in walk(page._page_box):
            element = getattr(box, "element", None)
            if element is None or not hasattr(box, "position_x") or not hasattr(box, "margin_width"):
                continue
            classes = (element.get("class") or "").split()
            for cls, name in (("figure-svg", "chart"), ("slide-head", "head"), ("slide-foot", "foot")):
                if cls in classes and element.tag != "svg":
                    x, y = box.position_x * px, box.position_y * px
                    rect = (name, x, y, x + box.margin_width() * px, y + box.margin_height() * px)
                    if rect not in seen:
                        seen.add(rect)
                        rects.append(dict(zip(("kind", "x0", "top", "x1", "bottom"), rect)))
        pages.append(rects)
    return pages
