"""Registration and password reset tell nobody which addresses have accounts, cannot be used to
flood a mailbox, and never mail text an anonymous visitor chose."""

import logging
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core.clock import now
from helpdesk.models import OutboundEmail, User
from helpdesk.tests.factories import CustomerFactory
from portal.services import accounts
from portal.services.accounts import MAIL_LIMIT_PER_ADDRESS, MAIL_LIMIT_PER_IP

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Voucher-sync-2025"
BAIT = "立即领取奖金 http://bonus.example/claim"


def register(client, email, *, ip="10.5.0.1", full_name="王芳", **extra):
    return client.post(
        reverse("portal:register"),
        {"email": email, "full_name": full_name, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        REMOTE_ADDR=ip,
        **extra,
    )


def reset(client, email, *, ip="10.6.0.1"):
    return client.post(reverse("portal:password_reset"), {"email": email}, REMOTE_ADDR=ip)


def mails_to(address: str) -> list[OutboundEmail]:
    # JSONField `contains` is not available on SQLite.
    return [mail for mail in OutboundEmail.objects.order_by("pk") if address in mail.to]


def single(mails: list[OutboundEmail]) -> OutboundEmail:
    assert len(mails) == 1, [mail.subject for mail in mails]
    return mails[0]


def page_text(response, email: str) -> str:
    # The language form's CSRF token differs per client; nothing else may.
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)
    return text.replace(email, "EMAIL")


def test_registration_answers_the_same_for_a_new_and_a_taken_address(org, customer):
    new = register(Client(), "new.person@huaxin.example")
    taken = register(Client(), customer.email.upper())
    assert new.status_code == taken.status_code == 200
    pages = [[t.name for t in response.templates if t.name.endswith(".html")] for response in (new, taken)]
    assert pages[0] == pages[1]
    assert page_text(new, "new.person@huaxin.example") == page_text(taken, customer.email)
    assert "Check your email" in new.text
    assert "already" not in taken.text


def test_a_taken_address_mails_its_owner_instead_of_an_activation(client, org, customer):
    password_before = User.objects.get(pk=customer.pk).password
    register(client, customer.email, full_name=BAIT)
    mail = single(mails_to(customer.email))
    assert mail.subject == "Someone tried to register with your email address"
    assert "/account/login/" in mail.body and "/account/password-reset/" in mail.body
    assert "/account/activate/" not in mail.body
    assert BAIT not in mail.subject + mail.body
    customer.refresh_from_db()
    assert customer.password == password_before
    assert customer.full_name != BAIT


def test_the_owner_is_told_in_their_own_language(client, org):
    owner = CustomerFactory(organization=org, email="zhao@huaxin.example", organization__language="zh-hans")
    register(client, owner.email)
    assert single(mails_to(owner.email)).subject == "有人尝试用您的邮箱地址注册"


def test_twenty_registrations_of_one_address_send_at_most_three_mails(org):
    for n in range(20):
        response = register(Client(), "target@huaxin.example", ip=f"10.7.0.{n + 1}", full_name=BAIT)
        assert response.status_code == 200
        assert "Check your email" in response.text
    assert len(mails_to("target@huaxin.example")) == MAIL_LIMIT_PER_ADDRESS
    assert User.objects.filter(email="target@huaxin.example").count() == 1


def test_one_ip_registering_many_addresses_is_limited(org, caplog):
    with caplog.at_level(logging.WARNING, logger="portal.services.accounts"):
        answers = [register(Client(), f"spray{n}@huaxin.example", ip="10.8.0.1") for n in range(20)]
    assert {response.status_code for response in answers} == {200}
    assert OutboundEmail.objects.filter(kind="account_activation").count() == MAIL_LIMIT_PER_IP
    # Past the limit nothing is created either: an account nobody can activate helps no one.
    assert User.objects.filter(email__startswith="spray").count() == MAIL_LIMIT_PER_IP
    assert "10.8.0.1" in caplog.text
    # Another client is not affected.
    register(Client(), "elsewhere@huaxin.example", ip="10.8.0.2")
    assert len(mails_to("elsewhere@huaxin.example")) == 1


def test_twenty_resets_mail_one_address_at_most_three_times(customer):
    answers = [reset(Client(), customer.email, ip=f"10.9.0.{n + 1}") for n in range(20)]
    assert {response.url for response in answers} == {reverse("portal:password_reset_done")}
    assert OutboundEmail.objects.filter(kind="password_reset").count() == MAIL_LIMIT_PER_ADDRESS


def test_one_ip_asking_resets_for_many_accounts_is_limited(org):
    people = [CustomerFactory(organization=org) for _ in range(15)]
    for person in people:
        assert reset(Client(), person.email, ip="10.10.0.1").url == reverse("portal:password_reset_done")
    assert OutboundEmail.objects.filter(kind="password_reset").count() == MAIL_LIMIT_PER_IP


def test_the_reset_answer_is_the_same_for_an_unknown_address(customer):
    known = reset(Client(), customer.email)
    unknown = reset(Client(), "nobody@huaxin.example")
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert not mails_to("nobody@huaxin.example")


def test_the_mail_limit_refills_after_an_hour(customer):
    with time_machine.travel(now(), tick=False) as traveller:
        for n in range(MAIL_LIMIT_PER_ADDRESS + 2):
            reset(Client(), customer.email, ip=f"10.11.0.{n + 1}")
        assert len(mails_to(customer.email)) == MAIL_LIMIT_PER_ADDRESS
        traveller.shift(timedelta(minutes=61))
        reset(Client(), customer.email, ip="10.11.1.1")
    assert len(mails_to(customer.email)) == MAIL_LIMIT_PER_ADDRESS + 1


def test_the_limits_live_in_the_shared_cache(customer):
    reset(Client(), customer.email)
    assert any(key.startswith("kx-limit:") for key in _cache_keys())


def _cache_keys() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {cache._table}")
        return [row[0].split(":", 2)[-1] for row in cursor.fetchall()]


def first_lines(mail: OutboundEmail) -> str:
    return mail.subject + "\n" + mail.body.strip().splitlines()[0]


def test_no_account_mail_starts_with_text_a_visitor_chose(client, org):
    register(client, "bait@huaxin.example", full_name=BAIT)
    activation = single(mails_to("bait@huaxin.example"))
    assert first_lines(activation) == "Confirm your email for Kuaixiang support\nHello,"
    assert BAIT not in activation.body

    inviter = CustomerFactory(organization=org, full_name=BAIT, organization__is_org_admin=True)
    accounts.send_invitation(inviter=inviter, email="colleague@huaxin.example")
    invitation = single(mails_to("colleague@huaxin.example"))
    assert first_lines(invitation) == f"You are invited to {org.name}'s Kuaixiang support portal\nHello,"
    assert BAIT not in invitation.body
    assert f"Invited by: {inviter.email}" in invitation.body

    victim = CustomerFactory(organization=org, full_name=BAIT)
    reset(Client(), victim.email)
    reset_mail = single(mails_to(victim.email))
    assert BAIT not in reset_mail.subject + reset_mail.body
    assert reset_mail.body.startswith("Someone asked to reset the password")


def test_a_proven_invitation_still_signs_in_at_once(client, org):
    token = accounts.make_invitation_token(organization=org, email="direct@huaxin.example")
    response = client.post(
        reverse("portal:register") + f"?invite={token}",
        {
            "email": "direct@huaxin.example",
            "full_name": "陈",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "invite": token,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="direct@huaxin.example").is_active
    assert not mails_to("direct@huaxin.example")
