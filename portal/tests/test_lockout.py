"""Sign-in lockout (django-axes plus the attempt gate) on the portal and /admin/login/."""

import base64
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import RequestFactory, override_settings
from django.urls import reverse

from core.clock import now
from helpdesk.tests.factories import PASSWORD, AgentFactory, CustomerFactory
from portal.security import client_ip

pytestmark = pytest.mark.django_db

LOGIN = "/account/login/"
ADMIN_LOGIN = "/admin/login/"


def sign_in(client, email, password, *, url=LOGIN, ip="10.0.0.1", **headers):
    return client.post(url, {"username": email, "password": password}, REMOTE_ADDR=ip, **headers)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_ten_wrong_passwords_then_the_right_one_is_refused_on_the_portal(client):
    user = CustomerFactory(email="li.na@huaxin.example")
    answers = [sign_in(client, user.email, f"wrong-{n}").status_code for n in range(10)]
    # Four plain refusals, then the lockout page from the fifth failure on.
    assert answers == [200] * 4 + [429] * 6
    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins; try again in 15 minutes or reset your password." in response.text
    assert not signed_in(client)


def test_every_spelling_of_an_address_shares_one_counter(client):
    user = CustomerFactory(email="agent.li@huaxin.example")
    for spelling in ["Agent.Li@huaxin.example", "AGENT.LI@HUAXIN.EXAMPLE", " agent.li@Huaxin.Example "]:
        sign_in(client, spelling, "wrong")
    sign_in(client, "agent.li@huaxin.example", "wrong", ip="10.0.0.2")
    sign_in(client, "agent.LI@huaxin.example", "wrong", ip="10.0.0.3")
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {user.email}
    assert sign_in(client, user.email, PASSWORD, ip="10.0.0.4").status_code == 429


def test_the_admin_login_is_locked_out_too(client):
    agent = AgentFactory()
    for n in range(5):
        sign_in(client, agent.email.upper(), f"wrong-{n}", url=ADMIN_LOGIN)
    response = sign_in(client, agent.email, PASSWORD, url=ADMIN_LOGIN)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.text
    assert not signed_in(client)
    # One counter for both doors: the portal refuses the agent as well.
    assert sign_in(client, agent.email, PASSWORD, ip="10.9.9.9").status_code == 429


def test_one_ip_trying_many_accounts_is_locked_out(client):
    user = CustomerFactory()
    for n in range(5):
        sign_in(client, f"guess{n}@huaxin.example", "wrong", ip="10.0.0.7")
    assert sign_in(client, user.email, PASSWORD, ip="10.0.0.7").status_code == 429
    assert not signed_in(client)
    # The account itself is not locked: from another address it signs in.
    assert sign_in(client, user.email, PASSWORD, ip="10.0.0.8").status_code == 302


def test_many_ips_trying_one_account_are_locked_out(client):
    user = CustomerFactory()
    for n in range(5):
        sign_in(client, user.email, "wrong", ip=f"10.1.0.{n + 1}")
    assert sign_in(client, user.email, PASSWORD, ip="10.1.0.99").status_code == 429
    assert not signed_in(client)


def test_a_forged_x_forwarded_for_does_not_make_a_new_counter(client):
    user = CustomerFactory()
    for n in range(5):
        sign_in(client, f"guess{n}@huaxin.example", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = sign_in(client, user.email, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.1"}


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "192.0.2.10"),
        (0, "203.0.113.5", "192.0.2.10"),  # no trusted proxy: the header is ignored
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.66, 203.0.113.5", "203.0.113.5"),  # the left entry is the client's own text
        (2, "198.51.100.66, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "203.0.113.5", "192.0.2.10"),  # fewer entries than proxies: trust only the peer
        (1, "not-an-address", None),
    ],
)
def test_the_client_ip_trusts_only_the_configured_proxies(proxies, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_ip(request) == expected


def test_behind_one_trusted_proxy_forged_entries_still_share_the_real_clients_counter(client):
    user = CustomerFactory()
    with override_settings(TRUSTED_PROXY_COUNT=1):
        for n in range(5):
            sign_in(
                client,
                f"guess{n}@huaxin.example",
                "wrong",
                HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.5",
            )
        response = sign_in(client, user.email, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.77, 203.0.113.5")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}


def test_a_successful_sign_in_clears_only_that_accounts_failures(client):
    victim, attacker = CustomerFactory(), CustomerFactory()
    for n in range(4):
        sign_in(client, victim.email, f"wrong-{n}")
    # Signing in to an account of one's own from the same address must not buy new guesses.
    assert sign_in(client, attacker.email, PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, victim.email, "wrong-again").status_code == 429
    assert sign_in(client, victim.email, PASSWORD, ip="10.0.0.50").status_code == 429


def test_a_successful_sign_in_resets_the_counter(client):
    user = CustomerFactory()
    for n in range(4):
        sign_in(client, user.email, f"wrong-{n}")
    assert sign_in(client, user.email, PASSWORD).status_code == 302
    client.logout()
    assert [sign_in(client, user.email, "wrong").status_code for _ in range(4)] == [200] * 4


def test_the_lockout_lifts_after_fifteen_minutes(client):
    user = CustomerFactory()
    with time_machine.travel(now(), tick=False) as traveller:
        for n in range(5):
            sign_in(client, user.email, f"wrong-{n}")
        traveller.shift(timedelta(minutes=14))
        assert sign_in(client, user.email, PASSWORD).status_code == 429
        # A failure during the lockout starts the cool-off again (axes' default).
        traveller.shift(timedelta(minutes=16))
        assert sign_in(client, user.email, PASSWORD).status_code == 302


def test_a_password_reset_lifts_the_lockout(client):
    user = CustomerFactory()
    for n in range(5):
        sign_in(client, user.email, f"wrong-{n}")
    client.post(reverse("portal:password_reset"), {"email": user.email}, REMOTE_ADDR="10.0.0.1")
    from helpdesk.models import OutboundEmail

    link = OutboundEmail.objects.get(kind="password_reset").body.split("http://", 1)[1].split()[0]
    path = "/" + link.split("/", 1)[1]
    form_url = client.get(path, REMOTE_ADDR="10.0.0.1").url
    new_password = "Another-voucher-77"
    response = client.post(
        form_url, {"new_password1": new_password, "new_password2": new_password}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 302
    assert sign_in(client, user.email, new_password).status_code == 302


def test_the_lockout_page_speaks_chinese(client):
    user = CustomerFactory()
    for n in range(5):
        sign_in(client, user.email, f"wrong-{n}")
    response = sign_in(client, user.email, PASSWORD, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.text
    assert reverse("portal:password_reset") in response.text


def test_the_sign_in_error_is_the_same_for_an_unknown_account_a_wrong_password_and_an_inactive_one(client):
    known = CustomerFactory()
    inactive = CustomerFactory(is_active=False)
    errors = [
        sign_in(client, email, password, ip=ip).context["form"].non_field_errors()
        for email, password, ip in [
            ("nobody@huaxin.example", PASSWORD, "10.2.0.1"),
            (known.email, "wrong", "10.2.0.2"),
            (inactive.email, PASSWORD, "10.2.0.3"),
        ]
    ]
    assert errors[0] == errors[1] == errors[2]
    assert len(errors[0]) == 1


def test_the_api_does_not_take_a_password(client):
    user = AgentFactory()
    token = base64.b64encode(f"{user.email}:{PASSWORD}".encode()).decode()
    response = client.get("/api/v1/tickets/", HTTP_AUTHORIZATION=f"Basic {token}")
    assert response.status_code in (401, 403)
    assert not AccessAttempt.objects.exists()  # nothing even tried the password
