"""Plugin version numbers compared the way people read them: 3.2.1 < 3.10.0.

Pure Python. A version is dot-separated numbers with an optional pre-release suffix
("3.2.0-rc1", "3.2.0b2"); a pre-release sorts before its release. Text that is not a version
("latest", "") has no key: callers treat it as unknown, never as older or newer.
"""

import re

_VERSION = re.compile(
    r"^\s*[vV]?(\d+(?:\.\d+){0,3})(?:[-.]?(alpha|beta|preview|pre|dev|rc|a|b)\.?(\d*))?\s*$", re.IGNORECASE
)


def version_key(text: str | None) -> tuple | None:
    """A sortable key for a version string, or None when the text is not a version."""
    if not text:
        return None
    match = _VERSION.match(str(text))
    if not match:
        return None
    numbers = [int(part) for part in match.group(1).split(".")]
    numbers += [0] * (4 - len(numbers))
    label, serial = match.group(2), match.group(3)
    # (1,) marks a final release; (0, label, n) a pre-release, so it sorts first.
    tail = (0, label.lower(), int(serial or 0)) if label else (1, "", 0)
    return (*numbers, *tail)


def is_older(version: str | None, than: str | None) -> bool:
    """True only when both are versions and `version` comes strictly before `than`."""
    a, b = version_key(version), version_key(than)
    return a is not None and b is not None and a < b


def sort_versions(versions, *, key=lambda v: v, reverse: bool = False) -> list:
    """Sort items by their version (unparseable ones last)."""

    def order(item):
        parsed = version_key(key(item))
        return (parsed is None, parsed or ())

    ordered = sorted(versions, key=order)
    if reverse:
        known = [item for item in ordered if version_key(key(item)) is not None]
        unknown = [item for item in ordered if version_key(key(item)) is None]
        return [*reversed(known), *unknown]
    return ordered
