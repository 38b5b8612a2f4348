"""C6's counts are said as a reader would: "all 3 identical", never "1 distinct of 3" (issue 12)."""

from __future__ import annotations

import pytest

from reportgen.charts.c6_consistency import distinct_text
from reportgen.i18n.catalogs import translator


@pytest.mark.parametrize(("distinct", "n", "ko", "en"), [
    (1, 3, "인스턴스 3개 모두 같은 환경", "all 3 identical"),
    (3, 3, "인스턴스 3개 모두 다른 환경", "all 3 different"),
    (2, 3, "인스턴스 3개의 환경: 2가지", "2 distinct of 3 instances"),
    (1, 1, "인스턴스 1개의 환경: 1가지", "1 distinct of 1 instances"),
])
def test_distinct_counts_read_naturally(distinct: int, n: int, ko: str, en: str) -> None:
    assert distinct_text(distinct, n, translator("ko")) == ko
    assert distinct_text(distinct, n, translator("en")) == en
    assert "서로 다른" not in distinct_text(distinct, n, translator("ko"))


def test_after_the_same_work_keeps_the_condition() -> None:
    assert distinct_text(1.0, 3, translator("ko"), after_work=True) == "같은 작업 후 인스턴스 3개 모두 같은 환경"
    assert distinct_text(3.0, 3, translator("en"), after_work=True) == "all 3 different after the same work"
