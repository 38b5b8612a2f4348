"""Korean line breaking for the PDFs: lines break between words (eojeol), never inside one.

The CSS asks for `:lang(ko) { word-break: keep-all }`. WeasyPrint 70 does not
know that value (its validator accepts only `normal | break-all` and drops the
declaration), and Pango, which finds the break opportunities, follows UAX #14:
a break is allowed between any two Hangul syllables (컨테/이너, 1.83/초).

`install()` teaches the pinned WeasyPrint the CSS as written, with no change
to the text (copying from the PDF reads back the source, no invisible
characters):
- `word-break: keep-all` validates;
- text set with that style gets Pango's `allow_breaks=false` attribute over
  every run of letters/digits containing Hangul, and over every
  "number + space + unit" (`1.73 ms`, `742 KiB`, `8.1배`);
- the break test between inline boxes (`<b>3개</b>입니다`), which asks Pango
  without attributes, is tailored the same way for `lang="ko"` text.
It patches WeasyPrint internals, so it runs only on the version it was
written against (70.0, pinned in pyproject.toml); on any other version
`install()` returns False and `keep_all_html()` (nowrap spans around the
same runs, pure HTML/CSS) is the fallback the PDF writer uses instead.
"""

from __future__ import annotations

import re

SUPPORTED_WEASYPRINT = "70.0"

HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7a3\ud7b0-\ud7ff"
HANGUL_RE = re.compile(f"[{HANGUL}]")
UNITS = r"(?:ms|µs|ns|s|min|h|%|KiB|MiB|GiB|TiB|B|밀리초|초|분|시간|배|개|회|번|대|가지|일|년|월)"
NUM_UNIT_RE = re.compile(rf"(?<![\w.])[-+−×]?\d[\d,.]*(?: ?{UNITS})(?![A-Za-z])")
LETTER = rf"[{HANGUL}A-Za-z0-9]"
KEEP_RUN_RE = re.compile(rf"(?:{NUM_UNIT_RE.pattern}|{LETTER})(?:{LETTER}|[.,](?=[0-9]))*")

_installed: bool | None = None


def keep_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of `text` inside which no line may break (Hangul words, number + unit)."""
    return [
        m.span()
        for m in KEEP_RUN_RE.finditer(text)
        if m.end() - m.start() > 1 and (HANGUL_RE.search(m.group()) or NUM_UNIT_RE.match(m.group()))
    ]


def install() -> bool:
    """Patch the pinned WeasyPrint once per process; False when this WeasyPrint or Pango cannot be patched."""
    global _installed
    if _installed is not None:
        return _installed
    _installed = False
    try:
        import weasyprint
        from weasyprint.css.validation import properties
        from weasyprint.text import line_break
        from weasyprint.text.ffi import ffi, pango
    except (ImportError, OSError):
        return False
    if weasyprint.__version__ != SUPPORTED_WEASYPRINT or not hasattr(line_break, "get_log_attrs"):
        return False
    try:
        ffi.cdef("PangoAttribute * pango_attr_allow_breaks_new (gboolean allow_breaks);")
        allow_breaks_new = pango.pango_attr_allow_breaks_new  # Pango >= 1.44
    except Exception:  # noqa: BLE001 (cffi raises several kinds; any means "cannot patch")
        return False
    _patch_validator(properties)
    _patch_layout(line_break, ffi, pango, allow_breaks_new)
    _installed = True
    return True


def _patch_validator(properties) -> None:  # noqa: ANN001 (weasyprint module)
    original = properties.PROPERTIES["word-break"]

    def word_break(tokens):  # noqa: ANN001, ANN202
        if len(tokens) == 1 and getattr(tokens[0], "type", None) == "ident" and tokens[0].lower_value == "keep-all":
            return "keep-all"
        return original(tokens)

    word_break.wants_base_url = False
    properties.PROPERTIES["word-break"] = word_break


def _patch_layout(line_break, ffi, pango, allow_breaks_new) -> None:  # noqa: ANN001
    original_set_text = line_break.Layout.set_text

    def set_text(self, text, justify=False):  # noqa: ANN001, ANN202
        original_set_text(self, text, justify)
        if self.style["word_break"] != "keep-all" or not self.text:
            return
        ranges = keep_ranges(self.text)
        if not ranges:
            return
        attributes = pango.pango_layout_get_attributes(self.layout)
        if attributes == ffi.NULL:
            attributes = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        offsets, position = [], 0
        for ch in self.text:
            offsets.append(position)
            position += len(ch.encode())
        offsets.append(position)
        for start, end in ranges:
            attribute = allow_breaks_new(False)
            attribute.start_index, attribute.end_index = offsets[start], offsets[end]
            pango.pango_attr_list_insert(attributes, attribute)
        pango.pango_layout_set_attributes(self.layout, attributes)

    line_break.Layout.set_text = set_text
    original_log_attrs = line_break.get_log_attrs

    def get_log_attrs(text, lang):  # noqa: ANN001, ANN202
        attrs = original_log_attrs(text, lang)
        if lang and lang.lower().startswith("ko"):
            for start, end in keep_ranges(text):
                for i in range(start + 1, end):
                    attrs[i].is_line_break = 0
        return attrs

    line_break.get_log_attrs = get_log_attrs  # module global: can_break_text and the inline layout call it


# fallback: nowrap spans --------------------------------------------------------------------

SKIP_TAGS = {"head", "svg", "pre", "code", "script", "style", "textarea", "title", "kbd", "samp"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
TAG_RE = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<![^>]*>|<\?.*?\?>|</?([A-Za-z][\w:-]*)(?:\"[^\"]*\"|'[^']*'|[^'\">])*>", re.S
)
NOWRAP_STYLE = "<style>.kw{white-space:nowrap}</style>"


def _wrap(text: str) -> str:
    ranges = keep_ranges(text)
    if not ranges:
        return text
    out, pos = [], 0
    for start, end in ranges:
        out += [text[pos:start], f'<span class="kw">{text[start:end]}</span>']
        pos = end
    out.append(text[pos:])
    return "".join(out)


def keep_all_html(html: str) -> str:
    """`html` with every keep-together run of body text in a nowrap span (no characters added)."""
    out: list[str] = []
    stack: list[str] = []
    skip = 0
    pos = 0
    for m in TAG_RE.finditer(html):
        text = html[pos : m.start()]
        if text:
            out.append(text if skip or "body" not in stack else _wrap(text))
        tag, name = m.group(), (m.group(1) or "").lower()
        if name and not tag.startswith("<!"):
            if tag.startswith("</"):
                while name in stack and stack:
                    top = stack.pop()
                    skip -= top in SKIP_TAGS
                    if top == name:
                        break
            elif name not in VOID_TAGS and not tag.endswith("/>"):
                stack.append(name)
                skip += name in SKIP_TAGS
        out.append(NOWRAP_STYLE + tag if name == "head" and tag.startswith("</") else tag)
        pos = m.end()
    out.append(html[pos:])
    return "".join(out)


def prepare(html: str) -> str:
    """What the PDF writer hands WeasyPrint: `html` as is when the patch is in, else with nowrap spans."""
    return html if install() else keep_all_html(html)
