"""HTML -> PDF with WeasyPrint, reproducibly.

Two things would otherwise put the clock into the file: the document's
creation/modification dates (set from the dataset through <meta name=
"dcterms.created"> in the template) and fontTools' subset fonts, whose head
table gets "now" as modification time unless SOURCE_DATE_EPOCH is set. It is
set here, for the duration of the write only, from the dataset's created_at.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

from reportgen.writers import korean_breaks


class MissingDependency(RuntimeError):
    """WeasyPrint or its system libraries (pango) cannot be loaded."""


def _weasyprint():  # imported late: it loads pango, which only PDF output needs
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise MissingDependency(
            f"PDF output needs WeasyPrint and pango ({exc}); install the Debian package libpango-1.0-0 "
            "(and libpangoft2-1.0-0) or build with --no-pdf"
        ) from None
    return weasyprint


@contextmanager
def source_date_epoch(when: datetime) -> Iterator[None]:
    """Set SOURCE_DATE_EPOCH to `when` inside the block, restoring the previous value after."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(when.timestamp()))
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def write_pdf(html: str, *, base_url: Path, target: Path, created: datetime) -> None:
    """Lay out `html` (relative URLs resolved against `base_url`) and write `target`."""
    weasyprint = _weasyprint()
    html = korean_breaks.prepare(html)  # Korean lines break between words only (korean_breaks.py)
    with source_date_epoch(created):
        document = weasyprint.HTML(string=html, base_url=str(base_url) + os.sep).render()
        document.write_pdf(target)
