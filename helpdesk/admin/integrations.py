"""Webhook endpoints, teams' chat alert channels and the delivery log, for managers.

Their addresses carry credentials (a WeCom key, a DingTalk token) and their secrets sign
what we send, so only those who may change them see them; agents see neither.
"""

import json
from urllib.parse import urlsplit

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.admin import apply_each
from core.admin_site import admin_site
from helpdesk.models import AlertEvent, OutboundRequest, TeamAlertChannel, WebhookEndpoint, WebhookEvent
from helpdesk.models.integrations import PING_EVENT, TEST_ALERT
from helpdesk.services import alerts, http_outbox, webhooks

from .base import KxModelAdmin, ReadOnlyAdmin


def masked_url(url: str) -> str:
    """Scheme, host and the start of the path: the rest is often a credential."""
    parts = urlsplit(url)
    shown = f"{parts.scheme}://{parts.netloc}{parts.path[:16]}"
    return shown + ("…" if len(parts.path) > 16 or parts.query else "")


def _labels(values, choices) -> str:
    labels = dict(choices)
    return ", ".join(str(labels.get(value, value)) for value in values)


class ManagersOnly:
    """Viewing needs the change permission: the rows hold credentials."""

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def has_module_permission(self, request) -> bool:
        return self.has_change_permission(request)


class TestButton:
    """A "send test …" button on the change page: POST to <pk>/test/, then the delivery log."""

    test_label = ""

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_test"
        view = self.admin_site.admin_view(require_POST(self.test_view))
        return [path("<int:pk>/test/", view, name=name), *super().get_urls()]

    def test_view(self, request, pk: int):
        obj = get_object_or_404(self.model, pk=pk)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        try:
            self.send_test(request, obj)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(
                reverse(f"admin:helpdesk_{self.model._meta.model_name}_change", args=[pk])
            )
        self.message_user(
            request, gettext("Test queued: its delivery is in the log below."), messages.SUCCESS
        )
        return HttpResponseRedirect(delivery_log_url(obj))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"test_label": self.test_label, **(extra_context or {})}
        if object_id and str(object_id).isdigit():
            opts = self.model._meta
            extra["test_url"] = reverse(f"admin:{opts.app_label}_{opts.model_name}_test", args=[object_id])
            extra["log_url"] = delivery_log_url(self.model(pk=int(object_id)))
        return super().change_view(request, object_id, form_url, extra)


def delivery_log_url(obj) -> str:
    field = "endpoint" if isinstance(obj, WebhookEndpoint) else "channel"
    return reverse("admin:helpdesk_outboundrequest_changelist") + f"?{field}__id__exact={obj.pk}"


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "is_active"]


@admin.register(WebhookEndpoint, site=admin_site)
class WebhookEndpointAdmin(ManagersOnly, TestButton, KxModelAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "shown_url", "event_list", "is_active", "created_at", "secret_rotated_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    readonly_fields = ["created_by", "created_at", "secret_rotated_at"]
    actions = ["send_test_event", "rotate_secret"]
    test_label = _("Send test event")
    change_form_template = "admin/helpdesk/integrations/change_form.html"

    def get_fields(self, request, obj=None):
        return ["name", "url", "events", "is_active"] + ([] if obj is None else self.readonly_fields)

    @admin.display(description=_("URL"))
    def shown_url(self, endpoint: WebhookEndpoint) -> str:
        return masked_url(endpoint.url)

    @admin.display(description=_("events"))
    def event_list(self, endpoint: WebhookEndpoint) -> str:
        return ", ".join(endpoint.events)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            webhooks.update_endpoint(
                endpoint=obj,
                name=data["name"],
                url=data["url"],
                events=data["events"],
                is_active=data["is_active"],
            )
            return
        endpoint, secret = webhooks.create_endpoint(
            name=data["name"], url=data["url"], events=data["events"], actor=request.user
        )
        if not data["is_active"]:
            webhooks.update_endpoint(
                endpoint=endpoint,
                name=endpoint.name,
                url=endpoint.url,
                events=endpoint.events,
                is_active=False,
            )
        # The admin goes on to log and redirect with `obj`; make it the row the service wrote.
        obj.__dict__.update(
            {f.attname: getattr(endpoint, f.attname) for f in WebhookEndpoint._meta.concrete_fields}
        )
        obj._state.adding = False
        self.message_user(request, _secret_message(secret), messages.WARNING)

    def send_test(self, request, endpoint: WebhookEndpoint):
        return webhooks.send_test_event(endpoint=endpoint, actor=request.user)

    @admin.action(description=_("Send a test event"), permissions=["change"])
    def send_test_event(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda endpoint: self.send_test(request, endpoint),
            lambda count: (
                ngettext("%(count)d test event queued.", "%(count)d test events queued.", count)
                % {"count": count}
            ),
        )

    @admin.action(description=_("Rotate the signing secret"), permissions=["change"])
    def rotate_secret(self, request, queryset):
        for endpoint in queryset:
            secret = webhooks.rotate_secret(endpoint=endpoint)
            self.message_user(request, f"{endpoint}: {_secret_message(secret)}", messages.WARNING)


def _secret_message(secret: str) -> str:
    return gettext("Copy the signing secret now, it will not be shown again: %(secret)s") % {"secret": secret}


class TeamAlertChannelForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("events"), choices=AlertEvent.choices, widget=forms.CheckboxSelectMultiple
    )
    new_secret = forms.CharField(
        label=_("signing secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=TeamAlertChannel._meta.get_field("secret").help_text,
    )
    clear_secret = forms.BooleanField(label=_("remove the stored secret"), required=False)

    class Meta:
        model = TeamAlertChannel
        fields = ["team", "name", "platform", "url", "events", "language", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.secret:
            self.fields["new_secret"].help_text = _("A secret is stored; leave blank to keep it.")
        else:
            del self.fields["clear_secret"]

    def _post_clean(self):
        # The model's rules (platform host, no secret for WeCom) see the secret being saved.
        secret = self.chosen_secret()
        if secret is not None:
            self.instance.secret = secret
        super()._post_clean()

    def _update_errors(self, errors):
        # The model names its field "secret"; on this form it is typed into "new_secret".
        if hasattr(errors, "error_dict") and "secret" in errors.error_dict:
            errors.error_dict["new_secret"] = errors.error_dict.pop("secret")
        super()._update_errors(errors)

    def chosen_secret(self) -> str | None:
        data = getattr(self, "cleaned_data", {})
        if data.get("clear_secret"):
            return ""
        return data.get("new_secret") or None


@admin.register(TeamAlertChannel, site=admin_site)
class TeamAlertChannelAdmin(ManagersOnly, TestButton, KxModelAdmin):
    form = TeamAlertChannelForm
    list_display = ["name", "team", "platform", "shown_url", "event_list", "language", "signed", "is_active"]
    list_filter = ["platform", "is_active", "team"]
    list_select_related = ["team"]
    search_fields = ["name", "team__name"]
    actions = ["send_test_message"]
    test_label = _("Send test message")
    change_form_template = "admin/helpdesk/integrations/change_form.html"

    def get_fields(self, request, obj=None):
        fields = ["team", "name", "platform", "url", "new_secret", "events", "language", "is_active"]
        if obj is not None and obj.secret:
            fields.insert(5, "clear_secret")
        return fields

    @admin.display(description=_("webhook URL"))
    def shown_url(self, channel: TeamAlertChannel) -> str:
        return masked_url(channel.url)

    @admin.display(description=_("events"))
    def event_list(self, channel: TeamAlertChannel) -> str:
        return _labels(channel.events, AlertEvent.choices)

    @admin.display(description=_("signed"), boolean=True)
    def signed(self, channel: TeamAlertChannel) -> bool:
        return bool(channel.secret)

    def save_model(self, request, obj, form, change):
        alerts.save_channel(channel=obj, secret=form.chosen_secret())

    def send_test(self, request, channel: TeamAlertChannel):
        return alerts.send_test_alert(channel=channel)

    @admin.action(description=_("Send a test message"), permissions=["change"])
    def send_test_message(self, request, queryset):
        apply_each(
            self,
            request,
            queryset.select_related("team"),
            lambda channel: self.send_test(request, channel),
            lambda count: (
                ngettext("%(count)d test message queued.", "%(count)d test messages queued.", count)
                % {"count": count}
            ),
        )


class EventFilter(admin.SimpleListFilter):
    """The known events, without a DISTINCT over a log that only grows."""

    title = _("event")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        return [
            *WebhookEvent.choices,
            (PING_EVENT, _("Test event")),
            *AlertEvent.choices,
            (TEST_ALERT, _("Test message")),
        ]

    def queryset(self, request, queryset):
        return queryset.filter(event=self.value()) if self.value() else queryset


@admin.register(OutboundRequest, site=admin_site)
class OutboundRequestAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "event",
        "target",
        "kind",
        "state_badge",
        "attempts",
        "response_status",
        "short_error",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["state", "kind", EventFilter, "endpoint", "channel"]
    list_select_related = ["endpoint", "channel__team"]
    search_fields = ["=delivery_id", "event"]
    show_full_result_count = False
    actions = ["retry", "resend"]
    fields = [
        "delivery_id",
        "event",
        "kind",
        "target",
        "ticket",
        "shown_url",
        "method",
        "state",
        "attempts",
        "next_attempt_at",
        "claimed_until",
        "last_error",
        "response_status",
        "response_body",
        "delivered_at",
        "created_at",
        "pretty_body",
    ]
    readonly_fields = fields

    def has_change_permission(self, request, obj=None) -> bool:
        # Read-only rows; the change permission only opens the log and its actions.
        return request.user.has_perm("helpdesk.change_outboundrequest") and obj is None

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("helpdesk.change_outboundrequest")

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_retry_permission(self, request) -> bool:
        return self.has_view_permission(request)

    @admin.display(description=_("sent to"))
    def target(self, row: OutboundRequest) -> str:
        return row.target_name

    @admin.display(description=_("URL"))
    def shown_url(self, row: OutboundRequest) -> str:
        return masked_url(row.url)

    @admin.display(description=_("state"), ordering="state")
    def state_badge(self, row: OutboundRequest):
        return format_html(
            '<span class="kx-delivery kx-delivery-{}">{}</span>', row.state, row.get_state_display()
        )

    @admin.display(description=_("last error"))
    def short_error(self, row: OutboundRequest) -> str:
        return Truncator(row.last_error).chars(80)

    @admin.display(description=_("body"))
    def pretty_body(self, row: OutboundRequest):
        try:
            text = json.dumps(json.loads(row.body), ensure_ascii=False, indent=2, sort_keys=True)
        except ValueError:
            text = row.body
        return format_html('<pre class="kx-delivery-body">{}</pre>', text)

    @admin.action(description=_("Retry now"), permissions=["retry"])
    def retry(self, request, queryset):
        count = http_outbox.retry_requests(request_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d delivery queued again.", "%(count)d deliveries queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Resend (a new delivery of the same event)"), permissions=["retry"])
    def resend(self, request, queryset):
        apply_each(
            self,
            request,
            queryset.exclude(state__in=[OutboundRequest.State.PENDING, OutboundRequest.State.SENDING]),
            lambda row: http_outbox.resend_request(request=row),
            lambda count: (
                ngettext("%(count)d delivery resent.", "%(count)d deliveries resent.", count)
                % {"count": count}
            ),
        )
