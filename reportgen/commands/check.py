"""Golden renders: what a build shows, in a form a reviewer can read in a diff.

`reportgen check GOLDEN` builds from the golden dataset into a temporary
folder and compares, per language, against the committed files in GOLDEN:

    <path>/<document>.page-NN.txt   the text of each PDF page (pdftotext -layout):
                                    handouts and slides
    <lang>/charts/<id>.spec.json    each chart's Vega-Lite spec, data included
    <path>/<page>.outline.txt       every HTML page's structure (report, slides,
                                    site): elements, ids, classes,
                                    data-chart, headings' and table cells' text;
                                    inline SVG summarised, not dumped

A difference prints a unified diff per file and fails; `--update` rewrites
GOLDEN after an intended change.
"""

from __future__ import annotations

import difflib
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from reportgen.commands.build import BuildOptions, build, summarise
from reportgen.charts import registered
from reportgen.i18n.catalogs import translator
from reportgen.load.datasets import load

SKIP_INSIDE = {"svg", "style", "script"}
KEPT_ATTRS = ("id", "class", "data-chart", "href", "lang", "role", "aria-label")


class _Outline(HTMLParser):
    """Indented element tree with the attributes and text a reader would notice change."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.depth = 0
        self.skip = 0
        self.skip_tag = ""
        self.svg_texts = 0

    VOID = {"meta", "link", "br", "img", "hr", "input", "source", "col", "wbr", "area", "base"}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip:
            if tag == self.skip_tag:
                self.skip += 1
            if tag == "text":
                self.svg_texts += 1
            return
        shown = " ".join(f'{k}="{v}"' for k, v in attrs if k in KEPT_ATTRS and v is not None)
        self.lines.append(f"{'  ' * self.depth}<{tag}{' ' + shown if shown else ''}>")
        if tag in SKIP_INSIDE:
            self.skip, self.skip_tag, self.svg_texts = 1, tag, 0
            self.depth += 1
            return
        if tag not in self.VOID:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag == self.skip_tag:
                self.skip -= 1
                if not self.skip:
                    if tag == "svg":
                        self.lines.append(f"{'  ' * self.depth}(svg with {self.svg_texts} text elements)")
                    self.depth -= 1
            return
        if tag not in self.VOID:
            self.depth = max(0, self.depth - 1)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        text = " ".join(data.split())
        if text:
            self.lines.append(f"{'  ' * self.depth}{text}")


def html_outline(html: str) -> str:
    parser = _Outline()
    parser.feed(html)
    return "\n".join(parser.lines) + "\n"


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page, as pdftotext lays it out."""
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True)
    pages = out.stdout.decode("utf-8").split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return ["\n".join(line.rstrip() for line in page.splitlines()).strip("\n") + "\n" for page in pages]


def chart_specs(datasets: tuple[str, ...], lang: str) -> dict[str, str]:
    """Each chart id's Vega-Lite spec (data included), as sorted JSON."""
    inputs = summarise(load(datasets))
    tr = translator(lang)
    specs = {}
    for definition in registered():
        data = inputs[definition.chart_id]
        if data.measured.empty:
            continue
        spec = definition.draw(data, tr).to_dict()
        specs[definition.chart_id] = json.dumps(spec, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    return specs


def renders(out: Path, datasets: tuple[str, ...], langs: tuple[str, ...]) -> dict[str, str]:
    """Every reviewable file of a finished build in `out`, by relative path."""
    files: dict[str, str] = {}
    for pdf in sorted(out.rglob("*.pdf")):
        rel = pdf.relative_to(out).with_suffix("")
        for i, text in enumerate(pdf_pages(pdf), start=1):
            files[f"{rel}.page-{i:02d}.txt"] = text
    for html in sorted(out.rglob("*.html")):
        if "vendor" in html.relative_to(out).parts:
            continue
        files[f"{html.relative_to(out).with_suffix('')}.outline.txt"] = html_outline(html.read_text(encoding="utf-8"))
    for lang in langs:
        for chart_id, spec in chart_specs(datasets, lang).items():
            files[f"{lang}/charts/{chart_id}.spec.json"] = spec
    return files


@dataclass(frozen=True)
class CheckResult:
    changed: dict[str, str]
    """Relative path → unified diff (empty when the file is new or gone: see added/removed)."""
    added: list[str]
    removed: list[str]

    @property
    def ok(self) -> bool:
        return not (self.changed or self.added or self.removed)


def compare_with(golden: Path, current: dict[str, str]) -> CheckResult:
    existing = {str(p.relative_to(golden)): p for p in golden.rglob("*") if p.is_file() and p.name != "README.md"} if golden.exists() else {}
    changed = {}
    for rel in sorted(set(existing) & set(current)):
        old = existing[rel].read_text(encoding="utf-8")
        if old != current[rel]:
            changed[rel] = "".join(difflib.unified_diff(
                old.splitlines(keepends=True), current[rel].splitlines(keepends=True),
                fromfile=f"golden/{rel}", tofile=f"build/{rel}", n=2,
            ))
    return CheckResult(changed, sorted(set(current) - set(existing)), sorted(set(existing) - set(current)))


def write_golden(golden: Path, current: dict[str, str]) -> None:
    """Replace GOLDEN's render files with `current` (its README is kept)."""
    if golden.exists():
        for path in golden.rglob("*"):
            if path.is_file() and path.name != "README.md":
                path.unlink()
    for rel, text in sorted(current.items()):
        target = golden / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def check(golden: Path, datasets: tuple[str, ...], langs: tuple[str, ...], update: bool) -> CheckResult:
    """Build into a temporary folder, compare with (or with `update`, rewrite) GOLDEN."""
    tmp = Path(tempfile.mkdtemp(prefix="reportgen-check-"))
    try:
        out = tmp / "site"
        build(BuildOptions(datasets=datasets, out=out, langs=langs))
        current = renders(out, datasets, langs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if update:
        write_golden(golden, current)
        return CheckResult({}, [], [])
    return compare_with(golden, current)
