"""The customer's update mails and, for organization admins, the versions the company runs."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import add_service_errors
from helpdesk.services import organizations
from portal.forms.versions import OrganizationVersionsForm, UpdatesForm

from .decorators import customer_required


@customer_required
@require_POST
def updates(request: HttpRequest) -> HttpResponse:
    form = UpdatesForm(request.POST)
    form.is_valid()  # two check boxes: every submission is valid
    organizations.set_update_preferences(profile=request.user.customer_profile, **form.cleaned_data)
    messages.success(request, _("Your mail preferences were saved."))
    return redirect("portal:profile")


@customer_required
@require_http_methods(["GET", "POST"])
def organization_versions(request: HttpRequest) -> HttpResponse:
    profile = request.user.customer_profile
    organization = profile.organization
    if not profile.is_org_admin:
        messages.warning(request, _("Only your organization's admin can change its versions."))
        return redirect("portal:home")
    form = OrganizationVersionsForm(
        request.POST or None,
        initial={"plugin_version": organization.plugin_version, "erp_version": organization.erp_version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            organizations.set_versions(organization=organization, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your organization's versions were saved."))
            return redirect("portal:home")
    return render(
        request, "portal/account/organization_versions.html", {"form": form, "organization": organization}
    )
