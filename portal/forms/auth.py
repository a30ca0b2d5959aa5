"""Sign-in, registration, password reset and profile forms."""

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from helpdesk.models import ApiScope, EmailKind
from helpdesk.models.choices import timezone_choices
from helpdesk.services.api_keys import scopes_for
from helpdesk.services.outbox import queue_email


class EmailAuthenticationForm(AuthenticationForm):
    """Sign in with an email address (case-insensitive) and password."""

    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "That email and password do not match an account. If you registered recently, "
            "open the activation link we emailed you first."
        ),
        "inactive": _("This account is not active yet: open the activation link we emailed you."),
    }


class RegistrationForm(forms.Form):
    email = forms.EmailField(
        label=_("Work email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Use your company address: it decides which organization you join."),
    )
    full_name = forms.CharField(
        label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    invite = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            try:
                password_validation.validate_password(password1)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the mail goes through the outbox like every other mail."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        queue_email(to=[to_email], subject=subject, body=body, kind=EmailKind.PASSWORD_RESET)


LANGUAGE_CHOICES = [("", _("Browser default")), ("zh-hans", "简体中文"), ("en", "English")]


class TimezoneSelect(forms.Select):
    """IANA names (Asia/Shanghai) are identifiers, the same in every language: not translated."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"]["translate"] = "no"
        return option


class LanguageSelect(forms.Select):
    """Each language named in itself, and marked so (`lang`) for screen readers and checks."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"]["lang"] = value
        return option


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    timezone = forms.ChoiceField(label=_("Time zone"), required=False, widget=TimezoneSelect)
    language = forms.ChoiceField(
        label=_("Language"), choices=LANGUAGE_CHOICES, required=False, widget=LanguageSelect
    )
    mail_replies = forms.BooleanField(label=_("Email me when support replies"), required=False)
    mail_status_changes = forms.BooleanField(
        label=_("Email me when a request is resolved (with the rating link)"), required=False
    )
    mail_forum_digest = forms.BooleanField(label=_("Email me forum digests"), required=False)

    def __init__(self, *args: Any, organization_timezone: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        default = _("Organization's time zone (%(tz)s)") % {"tz": organization_timezone}
        self.fields["timezone"].choices = [("", default), *timezone_choices()]


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Key name"), max_length=100, help_text=_("Where the key is used, e.g. “ERP sync”.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("What the key may do"), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            allowed = scopes_for(user)
            self.fields["scopes"].choices = [c for c in ApiScope.choices if c[0] in allowed]


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's email"))
