"""The Korean catalog follows the glossary, writes prose in 합니다체, and titles every page and slide in Korean."""

from __future__ import annotations

import re

from reportgen.charts import registered
from reportgen.i18n.catalogs import catalog
from reportgen.i18n.glossary import deck_quotes, glossary, term, violations
from reportgen.pages.deck import DECK

HANGUL = re.compile("[\uac00-\ud7a3]")


def ko_entries() -> list[tuple[str, str]]:
    entries = []
    for message in catalog("ko"):
        if not message.id or not message.string:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        text = message.string if isinstance(message.string, str) else " ".join(message.string)
        entries.append((msgid, text))
    return entries


def test_glossary_holds_the_decks_terms() -> None:
    keys = {t.key for t in glossary()}
    assert {"physical_server", "virtual_server", "container", "hypervisor", "guest_os", "image", "layer", "density",
            "auto_scaling", "self_healing", "isolation"} <= keys
    assert term("virtual_server") == "가상서버(VM)" and term("physical_server") == "물리서버"
    assert all(t.ko and t.en for t in glossary())


def test_no_korean_entry_uses_a_rejected_synonym() -> None:
    assert violations(ko_entries(), deck_quotes()) == []


def test_the_check_catches_a_rejected_synonym_and_spares_quotes() -> None:
    entries = [("a", "가상 머신을 씁니다."), ("b", "이미지 사이즈"), ("c", "가상서버(VM)를 씁니다.")]
    assert len(violations(entries)) == 2
    assert violations(entries, frozenset({"a", "b"})) == []


def test_deck_quotes_keep_the_decks_own_words() -> None:
    quotes = deck_quotes()
    texts = dict(ko_entries())
    assert texts["Virtual machines and containers on the same hardware"] == "동일한 H/W 위의 가상 머신과 컨테이너"
    assert "Virtual machines and containers on the same hardware" in quotes


def test_korean_prose_is_in_hapnida_style() -> None:
    """No 해요체 sentence ending: one register (합니다체) everywhere."""
    quotes = deck_quotes()
    ending = re.compile(r"(?<!소)요(?:[.!?)]|$)|(?:세요|어요|아요|예요|에요|죠)[.!?]")
    bad = [(msgid, text) for msgid, text in ko_entries() if msgid not in quotes and ending.search(text)]
    assert bad == []


def test_every_korean_title_is_in_korean() -> None:
    texts = dict(ko_entries())
    titles = [spec.title for spec in DECK if spec.title] + [spec.kicker for spec in DECK if spec.kicker]
    titles += [d.title for d in registered()]
    english = [t for t in titles if not HANGUL.search(texts.get(t, ""))]
    assert english == []
