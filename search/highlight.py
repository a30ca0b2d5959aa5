"""Snippets with <mark> around the matched words: escaped text, marks the only markup.

The needles are the query's words as the analysis produced them (凭证, 超时, err4090,
voucher), so a snippet marks whole words, never bigram fragments. A code matches however it
was written (err4090 marks ERR-4090 and ERR 4090 as well), a Latin word its inflections.
"""

import re
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SNIPPET_CHARS = 140
LEAD_CHARS = 40
MAX_MARKS = 200
_CODE = re.compile(r"([a-z]{2,8})(\d{3,8})")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _needle(needle: str) -> str:
    if _CJK.search(needle):
        return re.escape(needle)
    if code := _CODE.fullmatch(needle):
        return rf"(?<![^\W_]){code.group(1)}[\s\-_:#]?{code.group(2)}(?!\d)"
    return rf"(?<![^\W_]){re.escape(needle)}\w*"


def _pattern(needles: Iterable[str]) -> re.Pattern | None:
    words = sorted({n for n in needles if n}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(_needle(w) for w in words), re.IGNORECASE)


def _marked(text: str, pattern: re.Pattern | None) -> SafeString:
    if pattern is None:
        return escape(text)
    spans: list[list[int]] = []
    for match in pattern.finditer(text):
        if match.end() == match.start():
            continue
        if spans and spans[-1][1] == match.start():
            spans[-1][1] = match.end()  # 凭证 + 生成 side by side read as one mark: 凭证生成
        else:
            spans.append([match.start(), match.end()])
    out, last = [], 0
    for start, end in spans:
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def highlight(text: str, needles: Iterable[str]) -> SafeString:
    return _marked(text, _pattern(needles))


def _best_start(text: str, pattern: re.Pattern, length: int) -> int:
    """Where the window showing the most different matched words begins."""
    matches = []
    for match in pattern.finditer(text):
        matches.append((match.start(), match.group().lower()))
        if len(matches) >= MAX_MARKS:
            break
    if not matches:
        return 0
    best, best_count = matches[0][0], 0
    for i, (start, _word) in enumerate(matches):
        inside = {w for s, w in matches[i:] if s < start + length - LEAD_CHARS}
        if len(inside) > best_count:
            best, best_count = start, len(inside)
    return max(0, best - LEAD_CHARS)


def snippet(text: str, needles: Iterable[str], *, length: int = SNIPPET_CHARS) -> SafeString:
    """A window of `text` around its densest cluster of matches (or its start), matches marked."""
    text = " ".join(text.split())
    pattern = _pattern(needles)
    start = _best_start(text, pattern, length) if pattern else 0
    window = text[start : start + length]
    body = _marked(window, pattern)
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + length < len(text) else ""
    return mark_safe(f"{prefix}{body}{suffix}")
