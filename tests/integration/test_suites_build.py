"""The suites' report beyond the HTML: the handout PDF carries every passage, and a cold build is the same bytes.

The datasets and the two-host report are the session's (tests/shared_builds.py), shared with
tests/unit/test_report_suites.py. Here, not in tests/unit: one lays out both handouts, the other renders
every suite chart a second time with no cache.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from reportgen.commands.build import build
from tests.shared_builds import report_only

LANGS = ("ko", "en")
NEW = ("C1", "C4", "C6", "C7", "C8", "C9", "C10", "C11", "C12")


def test_handout_carries_the_passages_in_both_languages(suites_host_a: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(report_only(suites_host_a, out=out))

    def text(lang: str) -> str:
        pdf = out / lang / "handout.pdf"
        return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                              text=True).stdout.replace("\n", " ")

    en, ko = text("en"), text("ko")
    assert en.count("Measured vs the deck:") == len(NEW)
    assert ko.count("원본 자료와 측정 결과 비교:") == len(NEW)
    for title in ("Overhead on the same hardware", "Density: instances that fit on the same host",
                  "Noisy neighbour: isolation under a hog", "Scale-out and recovery"):
        assert title in en
    for title in ("같은 하드웨어에서의 오버헤드", "집적도", "확장과 복구"):
        assert title in ko


def test_suite_charts_build_byte_identical(suites_host_a: Path, suites_host_b: Path, suites_two_hosts: Path,
                                           tmp_path: Path) -> None:
    again = tmp_path / "again"
    build(report_only(suites_host_a, suites_host_b, out=again, pdf=False, cache=False))  # rendered again, not copied
    for lang in LANGS:
        assert (again / lang / "report.html").read_bytes() == (suites_two_hosts / lang / "report.html").read_bytes()
