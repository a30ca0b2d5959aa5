"""Registration by invitation or verified domain, activation, profile, password reset."""

import re

import pytest
from django.urls import reverse

from helpdesk.models import OutboundEmail, User
from helpdesk.tests.factories import CustomerFactory
from portal.services.accounts import make_invitation_token

pytestmark = pytest.mark.django_db

PASSWORD = "Voucher-sync-2025"


def register(client, email, invite=""):
    url = reverse("portal:register") + (f"?invite={invite}" if invite else "")
    return client.post(
        url,
        {"email": email, "full_name": "王芳", "password1": PASSWORD, "password2": PASSWORD, "invite": invite},
    )


def link_in(email: OutboundEmail) -> str:
    return re.search(r"https?://\S+", email.body).group(0)


def test_a_verified_domain_joins_its_organization_after_activation(client, org):
    response = register(client, "wang.fang@HuaXin.example")
    assert response.status_code == 200
    user = User.objects.get(email="wang.fang@huaxin.example")
    assert not user.is_active
    assert user.customer_profile.organization == org
    mail = OutboundEmail.objects.get(kind="account_activation")
    path = link_in(mail).split("://", 1)[1].split("/", 1)[1]
    client.get("/" + path)
    user.refresh_from_db()
    assert user.is_active
    assert client.get(reverse("portal:tickets")).status_code == 200


def test_an_unknown_domain_without_invitation_gets_a_clear_message(client, org):
    response = register(client, "someone@gmail.example")
    assert not User.objects.filter(email="someone@gmail.example").exists()
    assert "invitation" in " ".join(response.context["form"].non_field_errors())


def test_an_invitation_decides_the_organization(client, org):
    from helpdesk.tests.factories import OrganizationFactory

    other = OrganizationFactory()
    token = make_invitation_token(organization=other, email="chen@partner.example")
    register(client, "chen@partner.example", invite=token)
    user = User.objects.get(email="chen@partner.example")
    assert user.customer_profile.organization == other
    assert user.is_active  # the invitation reached this address: it is proven


def test_an_invitation_for_another_address_is_refused(client, org):
    token = make_invitation_token(organization=org, email="chen@partner.example")
    response = register(client, "mallory@evil.example", invite=token)
    assert response.context["form"].non_field_errors()
    assert not User.objects.filter(email="mallory@evil.example").exists()


def test_a_forged_invitation_is_reported(client, org):
    response = client.get(reverse("portal:register") + "?invite=forged")
    assert response.context["invitation_error"]


def test_a_forged_activation_link_is_refused_without_an_error(client, db):
    response = client.get(reverse("portal:activate", kwargs={"token": "x:y:z"}))
    assert response.status_code == 200
    assert response.context["error"]


def test_an_existing_email_cannot_register_again(client, customer):
    response = register(client, customer.email.upper())
    assert "portal/account/register_done.html" in [t.name for t in response.templates]
    assert User.objects.filter(email__iexact=customer.email).count() == 1
    assert not OutboundEmail.objects.filter(body__contains="/account/activate/").exists()


def test_an_org_admin_invites_a_colleague_by_email(client, org):
    admin = CustomerFactory(organization=org, organization__is_org_admin=True)
    client.force_login(admin)
    response = client.post(reverse("portal:invite"), {"email": "new@partner.example"})
    assert response.context["link"]
    assert OutboundEmail.objects.get(kind="account_invitation").to == ["new@partner.example"]


def test_a_plain_member_cannot_invite(customer_client):
    assert customer_client.get(reverse("portal:invite")).status_code == 404


def test_the_profile_saves_name_phone_time_zone_and_language(customer_client, customer):
    response = customer_client.post(
        reverse("portal:profile"),
        {"full_name": "李娜", "phone": "+86 21 5555 0000", "timezone": "Europe/Berlin", "language": "en"},
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    customer.refresh_from_db()
    profile = customer.customer_profile
    assert (customer.full_name, profile.phone, profile.timezone, profile.language) == (
        "李娜",
        "+86 21 5555 0000",
        "Europe/Berlin",
        "en",
    )


def test_the_profile_refuses_an_unknown_time_zone(customer_client):
    response = customer_client.post(
        reverse("portal:profile"), {"full_name": "李娜", "timezone": "Mars/Olympus", "language": ""}
    )
    assert response.context["form"].errors["timezone"]


def test_password_reset_mail_goes_through_the_outbox(client, customer):
    response = client.post(reverse("portal:password_reset"), {"email": customer.email})
    assert response.status_code == 302
    mail = OutboundEmail.objects.get(kind="password_reset")
    assert mail.to == [customer.email]
    assert "/account/password-reset/" in mail.body


def test_sign_in_and_out_by_email(client, customer):
    response = client.post(
        reverse("portal:login"), {"username": customer.email.upper(), "password": "correct-horse-42"}
    )
    assert response.status_code == 302
    assert client.post(reverse("portal:logout")).status_code == 302
