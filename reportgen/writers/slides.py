"""Writing the slide deck: reveal.js HTML, the 16:9 PDF, the layout check, the vendored reveal.js."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from reportgen.i18n.catalogs import translator
from reportgen.pages.slide_layout import layout_document
from reportgen.pages.slide_layout import overflows as layout_overflows
from reportgen.pages.slides import SlidesPage
from reportgen.writers import pdf
from reportgen.writers.html import environment

def render(theme: Path, page: SlidesPage) -> str:
    env = environment(theme, translator(page.lang))
    return env.get_template("slides.html").render(page=page)


def write_html(theme: Path, page: SlidesPage, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(render(theme, page).encode("utf-8"))


def write_pdf(theme: Path, page: SlidesPage, target: Path, created) -> None:  # noqa: ANN001 (datetime)
    """The 16:9 PDF, one slide per page, fonts embedded, dated from the dataset (never the clock)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    pdf.write_pdf(render(theme, replace(page, assets="", mode="pdf")), base_url=theme, target=target, created=created)


# checking -----------------------------------------------------------------------------


def overflows(theme: Path, page: SlidesPage) -> list[str]:
    """Lay the PDF deck out and list what does not fit its slide (slide_layout.overflows); [] when all fit."""
    document = layout_document(render(theme, replace(page, assets="", mode="pdf")), theme)
    return layout_overflows(document, [slide.key for slide in page.slides])


def copy_vendor(theme: Path, target: Path) -> None:
    """Copy the vendored reveal.js (with its licence and the README recording its version) into `target/vendor`."""
    source = theme / "vendor"
    for path in sorted(source.rglob("*")):
        if path.is_file():
            dest = target / "vendor" / path.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
