"""The wizard's submission attempts, read-only in the agents' admin (deflection analysis)."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib import admin

from core.admin import ModelAdmin
from core.admin_site import admin_site
from helpdesk.admin.base import ReadOnlyAdmin
from portal.models import SubmissionAttempt


@admin.register(SubmissionAttempt, site=admin_site)
class SubmissionAttemptAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "user", "summary", "outcome", "ticket", "finished_at"]
    list_filter = ["outcome"]
    list_select_related = ["user", "ticket"]
    search_fields = ["summary"]
    show_full_result_count = False
    fields = [
        "user",
        "summary",
        "outcome",
        "solved_by_title",
        "solved_by_url",
        "ticket",
        "started_at",
        "finished_at",
    ]
    readonly_fields = fields


# Sign-in lockouts (django-axes), for superusers who unlock an account (delete its attempt).
# Registered on the project's admin site; axes registers only on django.contrib.admin.site.
class LockoutAdmin(ModelAdmin, AccessAttemptAdmin):
    """Axes's admin with the project's hardening (forged action ids are no 500)."""


class FailedSignInAdmin(ModelAdmin, AccessFailureLogAdmin):
    pass


admin_site.register(AccessAttempt, LockoutAdmin)
admin_site.register(AccessFailureLog, FailedSignInAdmin)
