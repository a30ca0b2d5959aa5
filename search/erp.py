"""Which ERP systems a document is about, from its title and tags. Pure Python, no Django.

The wizard knows the customer's ERP system; documents about it are favoured, documents about
another one slightly held back (`search.scoring`). A feeding app may name the systems
itself (`DocumentData.erp_systems`); otherwise they are read off the title and tags.
"""

import re
from collections.abc import Iterable

from .tokenize import clean, is_cjk
from .vocabulary import ERP_KEYWORDS


def _pattern(keyword: str) -> re.Pattern:
    if any(is_cjk(c) for c in keyword):
        return re.compile(re.escape(keyword))
    return re.compile(rf"(?<![a-z0-9]){re.escape(keyword)}(?![a-z0-9])")


_PATTERNS = {system: [_pattern(k) for k in keywords] for system, keywords in ERP_KEYWORDS.items()}


def detect_erp_systems(title: str, tags: Iterable[str] = ()) -> tuple[str, ...]:
    text = clean(" ".join([title, *tags]))
    return tuple(sorted(s for s, patterns in _PATTERNS.items() if any(p.search(text) for p in patterns)))
