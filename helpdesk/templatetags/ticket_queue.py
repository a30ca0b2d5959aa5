"""`{% ticket_result_list cl %}`: the admin's result table with the queue's rows built once
per page (helpdesk.admin.queue_rows), rendered by Django's own change_list_results.html."""

from django import template
from django.contrib.admin.templatetags.admin_list import result_headers

from helpdesk.admin.queue_rows import QueueRows

register = template.Library()


@register.inclusion_tag("admin/change_list_results.html")
def ticket_result_list(cl):
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": [],  # only an editable list (a formset) has them; this has none
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": list(QueueRows(cl)),
    }
