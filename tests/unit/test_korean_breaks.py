"""korean_breaks: where Korean lines may not break, and the nowrap fallback leaves the text as it was."""

from __future__ import annotations

import re

from reportgen.writers import korean_breaks as kb


def runs(text: str) -> list[str]:
    return [text[s:e] for s, e in kb.keep_ranges(text)]


def test_hangul_words_and_numbers_with_units_are_kept_whole() -> None:
    assert runs("컨테이너 시작에 1.83초가 걸렸습니다") == ["컨테이너", "시작에", "1.83초가", "걸렸습니다"]
    assert runs("중앙값 1.73 ms입니다") == ["중앙값", "1.73 ms입니다"]
    assert "742 KiB" in runs("크기는 742 KiB")
    assert runs("8.1배") == ["8.1배"]


def test_latin_words_hashes_and_urls_keep_their_breaks() -> None:
    assert runs("sha256 0123456789abcdef https://example.org/a/b") == []


def test_the_fallback_wraps_text_only_and_adds_no_characters() -> None:
    html = ('<html><head><title>컨테이너</title></head><body><p title="가상서버">물리서버에서 1.83 ms</p>'
            "<svg><text>컨테이너</text></svg><pre>가상서버</pre></body></html>")
    out = kb.keep_all_html(html)
    assert '<span class="kw">물리서버에서</span>' in out and '<span class="kw">1.83 ms</span>' in out
    assert 'title="가상서버"' in out and "<title>컨테이너</title>" in out
    assert "<text>컨테이너</text>" in out and "<pre>가상서버</pre>" in out
    assert re.sub(r"<[^>]+>", "", out.replace(kb.NOWRAP_STYLE, "")) == re.sub(r"<[^>]+>", "", html)


def test_the_pinned_weasyprint_takes_the_patch() -> None:
    assert kb.install() is True
    from weasyprint.css.validation import properties

    assert properties.PROPERTIES["word-break"]([type("T", (), {"type": "ident", "lower_value": "keep-all"})()]) == "keep-all"
