"""Forms for the customer's update mails and the organization's versions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.models import PluginVersion
from helpdesk.versioning import sort_versions


class UpdatesForm(forms.Form):
    notify_releases = forms.BooleanField(
        label=_("Mail me when a plugin version newer than ours is released"), required=False
    )
    notify_maintenance = forms.BooleanField(
        label=_("Mail me the day before planned maintenance"), required=False
    )


class OrganizationVersionsForm(forms.Form):
    plugin_version = forms.ChoiceField(label=_("Plugin version in use"), required=False)
    erp_version = forms.CharField(
        label=_("ERP version in use"),
        max_length=60,
        required=False,
        help_text=_("E.g. K/3 Cloud 8.1 or U8 V13."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        versions = sort_versions(list(PluginVersion.objects.values_list("version", flat=True)), reverse=True)
        self.fields["plugin_version"].choices = [("", _("Not known")), *[(v, v) for v in versions]]
