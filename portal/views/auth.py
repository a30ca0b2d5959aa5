"""Sign in and out, register (by invitation or verified domain), activate, reset password,
profile, invite colleagues."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpdesk.models import ApiKey
from helpdesk.services import api_keys
from portal.forms.auth import (
    ApiKeyForm,
    EmailAuthenticationForm,
    InviteForm,
    OutboxPasswordResetForm,
    ProfileForm,
    RegistrationForm,
)
from portal.security import client_ip, forget_failures
from portal.services import accounts

from .decorators import customer_required

BACKEND = "helpdesk.backends.EmailBackend"


def remember_language(response: HttpResponse, language: str) -> HttpResponse:
    """Make the profile's language the UI language (LocaleMiddleware reads this cookie)."""
    if language:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


class EmailLoginView(auth_views.LoginView):
    template_name = "portal/account/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        profile = getattr(form.get_user(), "customer_profile", None)
        return remember_language(super().form_valid(form), profile.language if profile else "")


class LogoutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "portal/account/password_reset_form.html"
    email_template_name = "portal/email/password_reset.txt"
    subject_template_name = "portal/email/password_reset_subject.txt"
    form_class = OutboxPasswordResetForm
    success_url = reverse_lazy("portal:password_reset_done")

    def form_valid(self, form):
        # Past the limits the visitor sees the same "check your email" page and nothing is sent,
        # whether or not the address has an account.
        if not accounts.allow_account_mail(
            address=form.cleaned_data["email"], client_ip=client_ip(self.request)
        ):
            return HttpResponseRedirect(self.get_success_url())
        self.extra_email_context = {"site_url": settings.PORTAL_BASE_URL}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/account/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/account/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # The lockout page offers a reset as the way out: a reset proves the mailbox, so the
        # account's failed sign-ins no longer count.
        forget_failures(username=form.user.get_username(), ip=client_ip(self.request))
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/account/password_reset_complete.html"


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:home")
    token = request.POST.get("invite") or request.GET.get("invite") or ""
    invitation, invitation_error = _invitation(token)
    initial = {"invite": token, "email": invitation.email if invitation else ""}
    form = RegistrationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = accounts.register_customer(
                email=data["email"],
                full_name=data["full_name"],
                password=data["password1"],
                invitation=invitation,
                language=translation.get_language() or "",
                client_ip=client_ip(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _after_registration(request, user, email=accounts.normalise_email(data["email"]))
    context = {"form": form, "invitation": invitation, "invitation_error": invitation_error}
    return render(request, "portal/account/register.html", context)


def _invitation(token: str) -> tuple[accounts.Invitation | None, str]:
    if not token:
        return None, ""
    try:
        return accounts.read_invitation(token), ""
    except ValidationError as exc:
        return None, " ".join(exc.messages)


def _after_registration(request: HttpRequest, user, *, email: str) -> HttpResponse:
    if user is not None and user.is_active:
        login(request, user, backend=BACKEND)
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect("portal:home")
    # One page for a new account, a taken address and a refused mail: it must not tell them apart.
    return render(request, "portal/account/register_done.html", {"email": email})


@require_GET
def activate(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = accounts.activate_account(token=token)
    except ValidationError as exc:
        return render(request, "portal/account/activate_failed.html", {"error": " ".join(exc.messages)})
    login(request, user, backend=BACKEND)
    messages.success(request, _("Your email address is confirmed. Welcome!"))
    return redirect("portal:home")


def _profile_page(
    request: HttpRequest,
    *,
    form: ProfileForm | None = None,
    key_form: ApiKeyForm | None = None,
    new_key: str = "",
) -> HttpResponse:
    user, customer = request.user, request.user.customer_profile
    if form is None:
        initial = {
            "full_name": user.full_name,
            "phone": customer.phone,
            "timezone": customer.timezone,
            "language": customer.language,
            "mail_replies": customer.mail_replies,
            "mail_status_changes": customer.mail_status_changes,
            "mail_forum_digest": customer.mail_forum_digest,
        }
        form = ProfileForm(initial=initial, organization_timezone=customer.organization.timezone)
    context = {
        "form": form,
        "customer": customer,
        "api_keys": user.api_keys.all(),
        "key_form": key_form or ApiKeyForm(user=request.user),
        "new_key": new_key,
    }
    return render(request, "portal/account/profile.html", context)


@customer_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _profile_page(request)
    user, customer = request.user, request.user.customer_profile
    form = ProfileForm(request.POST, organization_timezone=customer.organization.timezone)
    if form.is_valid():
        try:
            accounts.update_profile(user=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your profile was saved."))
            return remember_language(redirect("portal:profile"), form.cleaned_data["language"])
    return _profile_page(request, form=form)


@customer_required
@require_POST
def api_key_create(request: HttpRequest) -> HttpResponse:
    key_form = ApiKeyForm(request.POST, user=request.user)
    if key_form.is_valid():
        try:
            _key, plain = api_keys.create_api_key(owner=request.user, **key_form.cleaned_data)
        except ValidationError as exc:
            key_form.add_error(None, exc)
        else:
            # Rendered, not redirected: the plain key then never sits in a session or cookie,
            # and this response is the only time it is shown.
            return _profile_page(request, new_key=plain)
    return _profile_page(request, key_form=key_form)


@customer_required
@require_POST
def api_key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    key = get_object_or_404(ApiKey, pk=pk, owner=request.user)
    api_keys.revoke_api_key(key=key, actor=request.user)
    messages.success(request, _("The key “%(name)s” was revoked.") % {"name": key.name})
    return redirect("portal:profile")


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    profile = getattr(request.user, "customer_profile", None)
    if profile is None or not profile.is_org_admin:
        return render(request, "404.html", status=404)
    form = InviteForm(request.POST or None)
    link = None
    if request.method == "POST" and form.is_valid():
        try:
            link = accounts.send_invitation(inviter=request.user, email=form.cleaned_data["email"])
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % form.cleaned_data)
            form = InviteForm()
    return render(request, "portal/account/invite.html", {"form": form, "link": link, "profile": profile})
