"""The queue's rows, built once per page as HTML instead of cell by cell through the admin.

Django's `items_for_result` works out each cell of each row from scratch: it looks the column
up on the model admin, decides the cell's class and whether it links, reverses the change URL,
merges the preserved filters into it and wraps every value with `format_html`. On the agents'
queue (50 rows, 10 columns) that was about two fifths of the page's CPU. The answers are the
same for every row of a page, so `QueueRows` works them out once (the change URL with a
placeholder for the ticket, the translated labels of each status and priority, the cell
markup of each column) and then fills each row in with plain string formatting.

The HTML is exactly what Django's admin produces (`helpdesk/tests/admin/test_queue_rows.py`
compares the two row by row). A column this module does not know — one added to
`TicketAdmin.list_display` later — sends the page back to Django's own rendering, so a new
column shows up correctly, just without the shortcut.
"""

from collections.abc import Callable
from datetime import datetime
from html import escape  # Django's escape() is this plus a lazy-string check, per cell

from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_list import ResultList, _coerce_field_name, results
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from helpdesk.models import Priority, Status, Ticket

from .display import sla_badge

# A stand-in for the ticket's id in the change URL reversed once per page (any path segment
# matches the admin's <path:object_id>; this one survives quoting and HTML escaping as is).
PK_PLACEHOLDER = "kx-ticket-pk"


def local_minute(moment: datetime) -> str:
    """ "2026-12-01 09:30" in the active time zone: `date_format(localtime(x), "Y-m-d H:i")`
    without the format-string parsing (the format names no locale-dependent part)."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


class QueueRows:
    """Every row of one page of the ticket changelist, as `ResultList`s of one cell string."""

    def __init__(self, changelist: ChangeList) -> None:
        self.changelist = changelist
        self.empty = changelist.model_admin.get_empty_value_display()
        url = reverse(
            f"admin:{changelist.opts.app_label}_{changelist.opts.model_name}_change",
            args=(PK_PLACEHOLDER,),
            current_app=changelist.model_admin.admin_site.name,
        )
        url = add_preserved_filters(
            {"preserved_filters": changelist.preserved_filters, "opts": changelist.opts}, url
        )
        self.change_url = escape(url)
        self.select_label = _("Select this object for an action - {}")
        self.status_labels = {value: escape(str(label)) for value, label in Status.choices}
        self.priority_labels = {value: escape(str(label)) for value, label in Priority.choices}
        self.cells: dict[str, Callable[[Ticket, str], str]] = {
            "action_checkbox": self.checkbox,
            "reference_column": lambda ticket, url: ticket.reference,
            "subject": lambda ticket, url: escape(ticket.subject) if ticket.subject else self.empty,
            "requester_column": self.requester,
            "status_column": self.status,
            "priority_column": self.priority,
            "team": lambda ticket, url: self.related(ticket.team),
            "assignee": lambda ticket, url: self.related(ticket.assignee),
            "sla_column": lambda ticket, url: sla_badge(getattr(ticket, "kx_sla_badge", None)),
            "updated_column": lambda ticket, url: local_minute(ticket.updated_at),
        }
        self.columns = self._columns()

    def _columns(self) -> list[tuple[str, str, str, bool]] | None:
        """(column, tag, class attribute, links) per list_display entry; None if one is unknown."""
        changelist = self.changelist
        columns = []
        first_link = True
        for index, name in enumerate(changelist.list_display):
            if name not in self.cells:
                return None
            links = name in changelist.list_display_links
            if name == "action_checkbox":
                classes = "action-checkbox"
            elif name in ("team", "assignee"):
                classes = f"field-{name} nowrap"  # a foreign key, as the admin marks them
            else:
                classes = f"field-{_coerce_field_name(name, index)}"
            tag = "th" if links and first_link else "td"
            first_link = first_link and not links
            columns.append((name, tag, f' class="{classes}"', links))
        return columns

    def __iter__(self):
        changelist = self.changelist
        if self.columns is None or changelist.formset is not None or changelist.is_popup:
            yield from results(changelist)
            return
        for ticket in changelist.result_list:
            url = self.change_url.replace(PK_PLACEHOLDER, quote(str(ticket.pk)))
            html = []
            for name, tag, classes, links in self.columns:
                value = self.cells[name](ticket, url)
                if links:
                    value = f'<a href="{url}">{value}</a>'
                html.append(f"<{tag}{classes}>{value}</{tag}>")
            yield ResultList(None, [mark_safe("".join(html))])

    # --- one cell each ---------------------------------------------------------------------

    def checkbox(self, ticket: Ticket, url: str) -> str:
        label = self.select_label.format(escape(str(ticket)))
        return (
            f'<input type="checkbox" name="{helpers.ACTION_CHECKBOX_NAME}" value="{ticket.pk}" '
            f'class="action-select" aria-label="{label}">'
        )

    def requester(self, ticket: Ticket, url: str) -> str:
        return f'{escape(str(ticket.requester))}<br><span class="kx-muted">{escape(ticket.organization.name)}</span>'

    def status(self, ticket: Ticket, url: str) -> str:
        label = self.status_labels.get(ticket.status) or escape(ticket.status)
        return f'<span class="kx-pill kx-status-{escape(ticket.status)}">{label}</span>'

    def priority(self, ticket: Ticket, url: str) -> str:
        label = self.priority_labels.get(ticket.priority) or escape(ticket.priority)
        return f'<span class="kx-pill kx-priority-{escape(ticket.priority)}">{label}</span>'

    def related(self, obj) -> SafeString | str:
        return self.empty if obj is None else escape(str(obj))
