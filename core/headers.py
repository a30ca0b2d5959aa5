"""Text that may end up in a mail header: one line, no control characters.

A subject typed in the portal, sent by mail or posted by an integration is copied into the
Subject of the mails about it. Python's mail code refuses a header value holding CR or LF
(and Django's `BadHeaderError` too), and mail clients also break lines at U+2028, U+2029 and
U+0085. Cleaning the text where it enters (intake, services) means every later use of it is
safe; `single_line` is the one place that knows which characters those are.
"""

import unicodedata

# Unicode categories that never belong on one line of a header: controls (Cc: C0, DEL, C1
# including U+0085 NEXT LINE), line and paragraph separators (Zl U+2028, Zp U+2029).
_BREAKING = frozenset({"Cc", "Zl", "Zp"})


def single_line(value: str | None) -> str:
    """`value` on one line: every control or line-breaking character becomes a space,
    runs of spaces collapse, the ends are stripped. Tabs count as controls too."""
    if not value:
        return ""
    cleaned = "".join(" " if unicodedata.category(char) in _BREAKING else char for char in str(value))
    return " ".join(part for part in cleaned.split(" ") if part)


def is_single_line(value: str) -> bool:
    """True when `value` holds nothing `single_line` would change (ignoring spaces)."""
    return not any(unicodedata.category(char) in _BREAKING for char in value)
