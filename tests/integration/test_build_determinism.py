"""The same dataset builds the same bytes: rendered twice (never copied from a cache), in two ways.

The two builds are the session's (tests/shared_builds.py): the command line `reportgen build --no-cache`
with its PDFs laid out by the worker processes, and `build(jobs=0, cache=False)` with its PDFs laid out in
this process. Every file of the one is the same bytes as in the other: the report, handout,
slides and site, and so the worker processes lay out the same PDFs as this process does.

Here, not in tests/unit: the second build is a full cold render with every PDF laid out in one process
(seconds of WeasyPrint on two cores); the first is the build tests/unit reads.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from tests.shared_builds import CliBuild, ColdBuild

LANGS = ("ko", "en")


@pytest.fixture(scope="module", autouse=True)
def no_outside_epoch() -> Iterator[None]:
    """The build must pin its own dates; an epoch from the environment would hide that."""
    saved = os.environ.pop("SOURCE_DATE_EPOCH", None)
    yield
    if saved is not None:
        os.environ["SOURCE_DATE_EPOCH"] = saved


def files(folder: Path) -> list[Path]:
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


def test_pdf_workers_match_a_build_in_one_process(startup_site: CliBuild, startup_cold: ColdBuild) -> None:
    workers, inline = startup_site.out, startup_cold.out
    assert "pdf wait" in startup_site.stdout and "cache: off" in startup_site.stdout  # the worker path ran, nothing cached
    result = startup_cold.result
    assert result.seconds["pdf"] > 0 and result.seconds["slides"] > 0
    assert files(workers) == files(inline)
    assert [f for f in files(workers) if f.suffix == ".pdf"], "no PDF to compare"
    for rel in files(workers):
        assert (workers / rel).read_bytes() == (inline / rel).read_bytes(), rel


def test_same_dataset_builds_byte_identical_files(startup_site: CliBuild, startup_cold: ColdBuild) -> None:
    site, again = startup_site.out, startup_cold.out  # rendered again with cache=False, not copied
    assert not startup_cold.leaked_epoch and "SOURCE_DATE_EPOCH" not in os.environ, "the build leaked its epoch into the environment"
    first = files(site)
    assert first == files(again)
    different = [str(p) for p in first if (site / p).read_bytes() != (again / p).read_bytes()]
    assert not different


def test_site_pages_are_byte_identical_between_two_builds(startup_site: CliBuild, startup_cold: ColdBuild) -> None:
    site, again = startup_site.out, startup_cold.out
    names = files(site)
    assert names == files(again)
    for name in names:
        if name.suffix in (".html", ".csv") or name.name in ("SHA256SUMS", "index.html"):
            assert (site / name).read_bytes() == (again / name).read_bytes(), str(name)


def test_slides_are_byte_identical_between_two_builds(startup_site: CliBuild, startup_cold: ColdBuild) -> None:
    site, again = startup_site.out, startup_cold.out
    for lang in LANGS:
        for name in ("slides.html", "slides.pdf"):
            assert (site / lang / name).read_bytes() == (again / lang / name).read_bytes(), f"{lang}/{name}"
