"""Kind labels in the reader's language ("文章", "Article"), never the indexer's.

A document stores the label it was indexed with (`kind_label`), in whatever language that
process had active. Hits show the label registered for their kind instead, translated when
the hit is built: the apps that feed the index register their kinds' lazy labels here (the
knowledge base its `Kind` choices), and `core.registry.search_kinds` (the forum's topic)
counts too. An unregistered kind falls back to the stored label.
"""

from django.utils.functional import Promise

from core import registry

_labels: dict[str, str | Promise] = {}


def register(kind: str, label: str | Promise) -> None:
    _labels[kind] = label


def label(kind: str, stored: str = "") -> str:
    found = _labels.get(kind)
    if found is None and kind in registry.search_kinds:
        found = registry.search_kinds.get(kind)
    return str(found) if found is not None else stored
