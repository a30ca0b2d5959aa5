"""The ticket queue's ChangeList: a capped count and Previous / Next instead of page numbers.

Django's changelist counts every matching ticket to number its pages (and, with
`show_full_result_count`, every ticket again). On a million tickets those counts were most
of the queue's time, so this one counts up to `COUNT_CAP` ("1,000+"), seeks the page's ids
with a join-free query and loads those rows with their joins (`core.paging`).
"""

from django.contrib.admin.views.main import ChangeList

from core.paging import count_for_page, count_label, load_in_order, page_ids
from helpdesk.sla.status import CLOCK_FIELDS

COUNT_CAP = 1000


class CappedChangeList(ChangeList):
    """A ChangeList that never counts past COUNT_CAP and pages by Previous / Next."""

    count_cap = COUNT_CAP

    def get_results(self, request) -> None:
        per_page = self.list_per_page
        self.page_num = max(self.page_num, 1)
        ids = page_ids(self.queryset, offset=(self.page_num - 1) * per_page, limit=per_page + 1)
        counted = count_for_page(
            self.queryset, number=self.page_num, ids=ids, per_page=per_page, cap=self.count_cap
        )
        self.has_next_page = len(ids) > per_page
        self.has_previous_page = self.page_num > 1
        self.result_list = load_in_order(self.page_queryset(), ids[:per_page])
        self.result_count = min(counted, self.count_cap)
        self.count_capped = counted > self.count_cap
        self.count_label = count_label(counted, cap=self.count_cap)
        self.full_result_count = None
        self.show_full_result_count = False
        self.show_admin_actions = True
        self.can_show_all = False
        self.show_all = False
        self.multi_page = self.has_next_page or self.has_previous_page
        self.paginator = self.model_admin.get_paginator(request, self.queryset, per_page)

    def page_queryset(self):
        """The queryset the page's rows are loaded from (by primary key, once found)."""
        return self.queryset

    def page_url(self, number: int) -> str:
        from django.contrib.admin.views.main import PAGE_VAR

        return self.get_query_string({PAGE_VAR: number})

    @property
    def next_page_url(self) -> str:
        return self.page_url(self.page_num + 1)

    @property
    def previous_page_url(self) -> str:
        return self.page_url(self.page_num - 1)


# What a row of the queue shows (helpdesk.admin.queue_rows) and its SLA badge reads
# (helpdesk.sla.status.badge_for): a ticket has some sixty columns, most of them the long
# structured description, and the queue's rows were a third of the page's query time and
# model building (3 ms of CPU a page at 50 rows) reading what no cell shows.
QUEUE_TICKET_FIELDS = [
    "subject",
    "status",
    "priority",
    "updated_at",
    "requester",
    "organization",
    "team",
    "assignee",
    "merged_into",
    "sla_calendar",
    "sla_snapshot",
    *CLOCK_FIELDS,
]
QUEUE_JOINS = ["requester", "organization", "team", "assignee"]


class TicketChangeList(CappedChangeList):
    """The queue: "due soon" lists the most urgent first, unless the agent sorts otherwise.

    Besides being the order an agent works them in, the watcher's next check as the order
    lets its index both find the few due tickets and sort them; under the default order the
    planner would walk every ticket by update time looking for them.
    """

    def page_queryset(self):
        # Only the rows' own columns and joins (the ticket page's joins, category and plan,
        # are not shown here). Actions still get the full queryset.
        return self.queryset.select_related(None).select_related(*QUEUE_JOINS).only(*QUEUE_TICKET_FIELDS)

    def get_ordering(self, request, queryset):
        from django.contrib.admin.views.main import ORDER_VAR

        from .filters import SlaStateFilter

        if (
            ORDER_VAR not in self.params
            and self.params.get(SlaStateFilter.parameter_name) == SlaStateFilter.DUE_SOON
        ):
            return ["sla_next_check_at", "pk"]
        return super().get_ordering(request, queryset)
