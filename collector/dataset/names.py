"""Names are data, never paths: the one identifier pattern and the size limits every dataset obeys.

Datasets travel between hosts and users, so every string in one is untrusted.
A string that can end up in a path, a file name, a URL or an HTML id (a
dataset name, a version, a host id, a suite, a platform, ...) must match
NAME_PATTERN; free text (errors, details, a host's label) is not restricted
but bounded in length and escaped where it lands. `docs/dataset-format.md`
documents the same pattern and limits: keep the two in step.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable

NAME_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"
"""An identifier: ASCII letters, digits, `.`, `_`, `-`; starts with a letter or digit; 1 to 64 characters.

No `/`, no `..` as a whole name, no spaces, no control characters, no
Unicode look-alikes (U+2215 `∕`, U+FF0F `／`): safe as a path component, a
file name, a URL segment and an HTML id on every platform reportgen writes to.
"""
_NAME = re.compile(NAME_PATTERN, re.ASCII)

VERSION_RE = re.compile(r"v([0-9]{1,9})\Z", re.ASCII)
"""A version name, `v1`, `v2`, ... (anchored at the end: no trailing newline, ASCII digits only)."""

UNIT_PATTERN = r"[A-Za-z0-9%µ][A-Za-z0-9%µ/._-]{0,15}"
"""A unit (`s`, `bytes`, `1/s`, `MiB/s`, `µs`): like a name but `/`, `%` and `µ` allowed, at most 16 characters.
Units are shown as text (escaped), never used as a path, a file name or an id."""
_UNIT = re.compile(UNIT_PATTERN, re.ASCII)

NAME_COLUMNS: tuple[str, ...] = (
    "run_id", "suite", "chart_id", "platform", "workload", "metric", "phase", "host_id",
    "family", "engine", "runtime", "machine",
)
"""Sample columns whose values are identifiers (checked against NAME_PATTERN)."""
TEXT_COLUMNS: tuple[str, ...] = ("error", "detail", "engine_version", "runtime_version")
"""Sample columns of free text (length-bounded, escaped where shown)."""

MAX_TEXT_CHARS = 4096
"""Longest free-text value (a sample's error or detail, any string in the manifest), in characters."""
MAX_DISTINCT = 1000
"""Most distinct values one identifier column may hold (each can become a chart series, a table row, a page)."""
MAX_MANIFEST_BYTES = 1 << 20
"""Largest manifest.json read (1 MiB); the golden ones are under 10 KiB."""
MAX_MANIFEST_DEPTH = 16
"""Deepest nesting of objects and lists in a manifest."""
MAX_MANIFEST_FILES = 16
"""Most files a manifest may list."""
SHOWN_CHARS = 40
"""How much of a refused value an error message quotes."""


class InvalidName(ValueError):
    """A string is not a valid name or breaks a limit; the text is one line, fit for a terminal."""


def is_name(value: object) -> bool:
    """Whether `value` is a string matching NAME_PATTERN."""
    return isinstance(value, str) and _NAME.fullmatch(value) is not None and value not in (".", "..")


def shown(value: object) -> str:
    """`value` quoted for a one-line message: ASCII only, control characters escaped, long values cut."""
    text = value if isinstance(value, str) else repr(value)
    cut = text[:SHOWN_CHARS]
    quoted = ascii(cut)
    return quoted + (f"… ({len(text):,} characters)" if len(text) > SHOWN_CHARS else "")


def check_name(value: object, field: str) -> str:
    """Return `value` if it is a valid name, else raise InvalidName naming the field."""
    if not is_name(value):
        raise InvalidName(f"{field} {shown(value)} is not a valid name (letters, digits, '.', '_', '-'; at most 64)")
    return value  # type: ignore[return-value]


def check_unit(value: object, field: str) -> str:
    """Return `value` if it is a valid unit (UNIT_PATTERN), else raise InvalidName naming the field."""
    if not (isinstance(value, str) and _UNIT.fullmatch(value)):
        raise InvalidName(f"{field} {shown(value)} is not a valid unit (letters, digits, '%', '/', '.', '_', '-'; at most 16)")
    return value


def check_names(values: Iterable[object], field: str, check=check_name) -> None:  # type: ignore[no-untyped-def]
    """Check many values of one field: at most MAX_DISTINCT of them, each valid by `check` (None allowed)."""
    distinct = set(values)
    distinct.discard(None)
    if len(distinct) > MAX_DISTINCT:
        raise InvalidName(f"{field} has {len(distinct):,} distinct values (at most {MAX_DISTINCT:,})")
    for value in sorted(distinct, key=repr):
        check(value, field)


def check_text(value: object, field: str) -> None:
    """Free text: any characters, at most MAX_TEXT_CHARS of them."""
    if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
        raise InvalidName(f"{field} is {len(value):,} characters long (at most {MAX_TEXT_CHARS:,})")


def parse_manifest(data: bytes) -> Any:
    """Decode manifest bytes within the limits: size, nesting, string lengths. Raises InvalidName or ValueError."""
    if len(data) > MAX_MANIFEST_BYTES:
        raise InvalidName(f"manifest is {len(data):,} bytes (at most {MAX_MANIFEST_BYTES:,})")
    try:
        doc = json.loads(data.decode("utf-8"))
    except RecursionError:
        raise InvalidName(f"manifest nests deeper than {MAX_MANIFEST_DEPTH} levels") from None
    _check_shape(doc, "manifest", 0)
    return doc


def _check_shape(node: Any, where: str, depth: int) -> None:
    if depth > MAX_MANIFEST_DEPTH:
        raise InvalidName(f"manifest nests deeper than {MAX_MANIFEST_DEPTH} levels")
    if isinstance(node, str):
        check_text(node, where)
    elif isinstance(node, dict):
        for key, value in node.items():
            check_text(key, f"{where} key")
            _check_shape(value, f"{where}.{shown(key)[1:-1]}" if len(key) <= SHOWN_CHARS else where, depth + 1)
    elif isinstance(node, list):
        for value in node:
            _check_shape(value, where, depth + 1)


def check_manifest_names(manifest: dict[str, Any]) -> None:
    """The manifest fields that become paths, file names or ids: dataset, version, parent, host id, files."""
    check_name(manifest.get("dataset"), "manifest 'dataset'")
    version = manifest.get("version")
    if not (isinstance(version, str) and VERSION_RE.fullmatch(version)):
        raise InvalidName(f"manifest 'version' {shown(version)} is not a version name (v1, v2, ...)")
    parent = manifest.get("parent_version")
    if parent is not None and not (isinstance(parent, str) and VERSION_RE.fullmatch(parent)):
        raise InvalidName(f"manifest 'parent_version' {shown(parent)} is not a version name (v1, v2, ...)")
    host = manifest.get("host")
    if isinstance(host, dict) and "host_id" in host:
        check_name(host["host_id"], "manifest 'host.host_id'")
    files = manifest.get("files")
    if isinstance(files, dict):
        if len(files) > MAX_MANIFEST_FILES:
            raise InvalidName(f"manifest lists {len(files)} files (at most {MAX_MANIFEST_FILES})")
        for name, meta in files.items():
            check_name(name, "manifest 'files' entry")
            if not isinstance(meta, dict):
                raise InvalidName(f"manifest 'files' entry {shown(name)} is not an object")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` safe to print on a terminal: control characters (ESC, CR, bidi overrides, ...) shown as \\xNN."""
    return _CONTROL.sub(lambda m: ascii(m.group(0))[1:-1], text)
