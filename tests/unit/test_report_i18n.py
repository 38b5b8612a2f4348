"""Translations: every msgid in code and templates has Korean and English text; numbers follow the locale."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from reportgen.i18n.catalogs import KEYWORDS, LANGS, LOCALE_DIR, parse_langs, translator

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)s")


def extracted() -> dict[str, str]:
    """msgid -> first place it occurs, found with Babel's own extractors (python, jinja2)."""
    found: dict[str, str] = {}
    runs = (
        (ROOT / "reportgen", [("**.py", "python")], {}),
        (
            ROOT / "templates",
            [("**.html", "jinja2.ext:babel_extract")],
            {"**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}},
        ),
    )
    for root, method_map, options in runs:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(root), method_map, options_map=options, keywords=KEYWORDS
        ):
            for msgid in message if isinstance(message, tuple) else (message,):
                if msgid:
                    found.setdefault(msgid, f"{root.name}/{filename}:{lineno}")
    return found


def catalog(lang: str):
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


def test_extraction_sees_python_and_templates() -> None:
    found = extracted()
    assert len(found) > 100
    assert found["Start time per platform"].startswith("reportgen/")  # N_() in a chart module
    assert found["Methods"].startswith("templates/")  # {{ _() }} in a template
    assert "Start time, request to ready (log scale)" in found  # tr() in chart code


@pytest.mark.parametrize("lang", LANGS)
def test_every_string_has_a_translation(lang: str) -> None:
    cat = catalog(lang)
    missing = []
    for msgid, where in sorted(extracted().items()):
        message = cat.get(msgid)
        if message is None or not message.string or message.fuzzy:
            missing.append(f"{msgid!r} ({where})")
    assert not missing, f"{lang}: {len(missing)} untranslated msgid(s):\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_their_placeholders(lang: str) -> None:
    broken = [
        m.id
        for m in catalog(lang)
        if m.id and m.string and sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string))
    ]
    assert not broken


def test_korean_catalog_holds_the_decks_own_words() -> None:
    ko = translator("ko")
    assert ko("No CPU/memory isolation") == "자원(CPU, Memory) 격리 불가"
    assert ko("Overhead of the hypervisor and the guest OS") == "하이퍼바이저 및 Guest OS 부하 단점"
    assert ko("Automatic scaling and self-healing") == "자동 확장 및 자동 치유 지원"


def test_numbers_follow_the_locale() -> None:
    en, ko = translator("en"), translator("ko")
    assert en.seconds(0.0023104) == "2.31 ms"
    assert en.seconds(1.9) == "1.90 s"
    assert ko.seconds(1.9) == "1.90초"
    assert en.integer(1234567) == "1,234,567"
    assert ko.number(12345.6) == "12,346"
    assert en.seconds(0.001, trim=True) == "1 ms"
    assert en.bytes_iec(8 * 2**30) == "8.00 GiB"


def test_parse_langs() -> None:
    assert parse_langs("ko,en") == ("ko", "en")
    assert parse_langs(" en ") == ("en",)
    with pytest.raises(ValueError, match="unknown language"):
        parse_langs("ko,fr")
    with pytest.raises(ValueError, match="twice"):
        parse_langs("en,en")
