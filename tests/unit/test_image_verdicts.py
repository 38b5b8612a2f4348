"""C4's verdict is computed from the exact sizes: synthetic sizes flip it, in both languages."""

from __future__ import annotations

import pytest

from reportgen.charts.c4_image_size import _passage_one
from reportgen.i18n.catalogs import translator

MIB = 1024 * 1024


@pytest.mark.parametrize(("vm", "container", "en", "ko"), [
    (16.2 * MIB, 1.98 * MIB, ": Confirmed. Measured: ×8.2 (VM image ÷ container image)", "확인됨"),  # golden v3 (busybox)
    (1.5 * MIB, 2.0 * MIB, ": Contradicted. Measured: ×0.75 (VM image ÷ container image)", "반박됨"),
])
def test_the_image_verdict_follows_the_sizes(vm: float, container: float, en: str, ko: str) -> None:
    sizes = {"vm": vm, "container": container, "process": 1.9 * MIB}
    text = _passage_one(sizes, translator("en"))
    assert en in text and "exact sizes in bytes compared" in text and text.startswith("The deck claims that"), text
    korean = _passage_one(sizes, translator("ko"))
    assert ko in korean and "바이트 단위의 정확한 크기 비교" in korean, korean


def test_without_a_vm_there_are_figures_but_no_verdict() -> None:
    text = _passage_one({"container": 2.0 * MIB, "process": 1.9 * MIB}, translator("en"))
    assert text.startswith("Measured image sizes:") and "Verdict" not in text
