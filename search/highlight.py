"""Snippets with <mark> around what matched: escaped text, marks the only markup."""

import re
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SNIPPET_CHARS = 140
LEAD_CHARS = 40


def _pattern(needles: Iterable[str]) -> re.Pattern | None:
    words = sorted({n for n in needles if n}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def _marked(text: str, pattern: re.Pattern | None) -> SafeString:
    if pattern is None:
        return escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def highlight(text: str, needles: Iterable[str]) -> SafeString:
    return _marked(text, _pattern(needles))


def snippet(text: str, needles: Iterable[str], *, length: int = SNIPPET_CHARS) -> SafeString:
    """A window of `text` around the first match (or its start), with matches marked."""
    text = " ".join(text.split())
    pattern = _pattern(needles)
    first = pattern.search(text) if pattern else None
    start = max(0, first.start() - LEAD_CHARS) if first else 0
    window = text[start : start + length]
    body = _marked(window, pattern)
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + length < len(text) else ""
    return mark_safe(f"{prefix}{body}{suffix}")
