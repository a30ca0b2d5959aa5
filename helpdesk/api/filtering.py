"""Query parameters by allow-list: an unknown filter, ordering or parameter is a 400.

DRF and django-filter ignore what they do not know, so `?statuz=open` or `?ordering=secret`
would silently return the unfiltered list. These backends refuse it instead, in the API's
error shape. Every list names what it allows: its FilterSet's filters, `ordering_fields`,
`search_fields` and its paginator's parameters.
"""

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend, OrderingFilter, SearchFilter

ALWAYS_ALLOWED = {"format"}


def allowed_parameters(request, view) -> set[str]:
    allowed = set(ALWAYS_ALLOWED) | set(getattr(view, "extra_query_params", ()))
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is not None:
        allowed |= set(filterset_class.base_filters)
    backends = getattr(view, "filter_backends", ())
    if getattr(view, "ordering_fields", None) and OrderingFilter in _classes(backends):
        allowed.add(OrderingFilter.ordering_param)
    if getattr(view, "search_fields", None) and SearchFilter in _classes(backends):
        allowed.add(SearchFilter.search_param)
    paginator = getattr(view, "paginator", None)
    for name in ("cursor_query_param", "page_query_param", "page_size_query_param"):
        value = getattr(paginator, name, None)
        if value:
            allowed.add(value)
    return allowed


def _classes(backends) -> set[type]:
    found: set[type] = set()
    for backend in backends:
        found.update(backend.__mro__)
    return found


class RejectUnknownParameters(BaseFilterBackend):
    """First in every list's backends: names every parameter the list does not know."""

    def filter_queryset(self, request, queryset, view):
        allowed = allowed_parameters(request, view)
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            listed = ", ".join(sorted(allowed - ALWAYS_ALLOWED)) or _("none")
            raise ValidationError(
                {
                    name: [_("Unknown parameter. This list accepts: %(allowed)s.") % {"allowed": listed}]
                    for name in unknown
                }
            )
        return queryset


class AllowListOrderingFilter(OrderingFilter):
    """`?ordering=` by the view's `ordering_fields` only (a leading `-` reverses)."""

    def remove_invalid_fields(self, queryset, fields, view, request):
        allowed = {name for name, _label in self.get_valid_fields(queryset, view, {"request": request})}
        wrong = [term for term in fields if term and term.lstrip("-") not in allowed]
        if wrong:
            raise ValidationError(
                {
                    self.ordering_param: [
                        _("Cannot order by %(fields)s. Allowed: %(allowed)s.")
                        % {"fields": ", ".join(wrong), "allowed": ", ".join(sorted(allowed))}
                    ]
                }
            )
        return [term for term in fields if term]


class FilterBackend(DjangoFilterBackend):
    """django-filter, with invalid values answered as 400 in the API's shape (its default)."""


def _with_tiebreak(ordering):
    """A final `id` makes equal values (two tickets of one priority) come in a fixed order, which
    keyset pages need to neither skip nor repeat a row."""
    ordering = list(ordering or [])
    if ordering and not any(term.lstrip("-") in {"id", "pk"} for term in ordering):
        ordering.append("-id" if ordering[0].startswith("-") else "id")
    return ordering


class TiebreakOrderingFilter(AllowListOrderingFilter):
    def get_ordering(self, request, queryset, view):
        return _with_tiebreak(super().get_ordering(request, queryset, view))


LIST_BACKENDS = [RejectUnknownParameters, FilterBackend, SearchFilter, TiebreakOrderingFilter]
