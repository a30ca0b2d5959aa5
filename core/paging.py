"""Paging for lists that may hold a million rows: no exact count, no joins while seeking.

Django's Paginator counts every matching row to number the pages; over a million tickets
that COUNT is most of a list's time, and nobody reads page 4,000 of a queue anyway. A
`CappedPage` instead:

- counts at most `cap + 1` rows (`SELECT COUNT(*) FROM (… LIMIT cap + 1)`), so a list says
  "1,000+" rather than the exact number, at the cost of reading a thousand index entries;
- reads one row more than a page holds to know whether there is a next page, and offers
  Previous / Next (and the page number) instead of a numbered page range;
- finds the page's primary keys with a query of the filtered table alone, then loads those
  rows with their joins (`select_related`). With the joins in the seeking query, SQLite's
  planner may start from a small joined table (the organizations) and sort every ticket;
  without them it walks the index that matches the filter and the order.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

DEFAULT_CAP = 1000


def capped_count(queryset: QuerySet, *, cap: int = DEFAULT_CAP) -> int:
    """The number of rows, but at most `cap + 1` (read as "more than cap")."""
    return queryset.order_by().values("pk")[: cap + 1].count()


def count_label(count: int, *, cap: int = DEFAULT_CAP) -> str:
    """ "12", or "1,000+" once the count reached the cap."""
    if count > cap:
        return _("%(count)s+") % {"count": f"{cap:,}"}
    return f"{count:,}"


def page_ids(queryset: QuerySet, *, offset: int, limit: int) -> list:
    """Primary keys of `limit` rows from `offset`, in the queryset's order, with no joins."""
    return list(queryset.values_list("pk", flat=True)[offset : offset + limit])


def load_in_order(queryset: QuerySet, ids: Sequence) -> list:
    """The rows with these primary keys (joins and all), in the order of `ids`."""
    if not ids:
        return []
    found = {row.pk: row for row in queryset.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


@dataclass
class CappedPage:
    """One page of a list and what its pager needs (an iterable of its rows)."""

    object_list: list
    number: int
    per_page: int
    has_next: bool
    count: int
    cap: int = DEFAULT_CAP
    extra: dict = field(default_factory=dict)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def count_capped(self) -> bool:
        return self.count > self.cap

    @property
    def count_label(self) -> str:
        return count_label(self.count, cap=self.cap)


def page_number(value, *, default: int = 1) -> int:
    """A page number from a query parameter: a positive integer, else `default`."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number >= 1 else default


def count_for_page(queryset: QuerySet, *, number: int, ids: Sequence, per_page: int, cap: int) -> int:
    """The capped count, without a query when the first page already holds every row."""
    if number == 1 and len(ids) <= per_page:
        return len(ids)
    return capped_count(queryset, cap=cap)


def capped_page(queryset: QuerySet, *, number, per_page: int, cap: int = DEFAULT_CAP) -> CappedPage:
    """Page `number` (1-based; junk reads as 1) of an ordered queryset, counted up to `cap`."""
    number = page_number(number)
    ids = page_ids(queryset, offset=(number - 1) * per_page, limit=per_page + 1)
    return CappedPage(
        object_list=load_in_order(queryset, ids[:per_page]),
        number=number,
        per_page=per_page,
        has_next=len(ids) > per_page,
        count=count_for_page(queryset, number=number, ids=ids, per_page=per_page, cap=cap),
        cap=cap,
    )
