"""API keys in the agent workspace: each agent sees and manages their own; superusers see all."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin import apply_each
from core.admin_site import admin_site
from helpdesk.models import ApiKey, ApiScope
from helpdesk.services.api_keys import create_api_key, revoke_api_key

from .base import KxModelAdmin


class ApiKeyCreateForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiKey
        fields = ["name", "scopes"]


@admin.register(ApiKey, site=admin_site)
class ApiKeyAdmin(KxModelAdmin):
    list_display = ["name", "prefix", "owner", "scope_list", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["owner"]
    search_fields = ["name", "prefix"]
    actions = ["revoke"]
    readonly_fields = ["owner", "name", "prefix", "scope_list", "created_at", "last_used_at", "revoked_at"]

    def get_queryset(self, request):
        keys = super().get_queryset(request)
        return keys if request.user.is_superuser else keys.filter(owner=request.user)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyCreateForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["name", "scopes"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    # A key is never edited or deleted: it is revoked, which keeps its record of use.
    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_revoke_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def save_model(self, request, obj, form, change):
        key, plain = create_api_key(
            owner=request.user, name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"]
        )
        # The admin goes on to log and redirect with `obj`; make it the row the service wrote.
        obj.__dict__.update({f.attname: getattr(key, f.attname) for f in ApiKey._meta.concrete_fields})
        obj._state.adding = False
        # The one time the plain key exists outside the caller's hands; it is not stored.
        self.message_user(
            request,
            gettext("Copy the key now, it will not be shown again: %(key)s") % {"key": plain},
            messages.WARNING,
        )

    @admin.display(description=_("scopes"))
    def scope_list(self, key: ApiKey) -> str:
        labels = dict(ApiScope.choices)
        return ", ".join(str(labels.get(scope, scope)) for scope in key.scopes)

    @admin.action(description=_("Revoke selected API keys"), permissions=["revoke"])
    def revoke(self, request, queryset):
        apply_each(
            self,
            request,
            queryset.filter(revoked_at__isnull=True),
            lambda key: revoke_api_key(key=key, actor=request.user),
            lambda count: (
                ngettext("%(count)d API key revoked.", "%(count)d API keys revoked.", count)
                % {"count": count}
            ),
        )
