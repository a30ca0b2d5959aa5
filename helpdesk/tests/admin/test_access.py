from django.urls import reverse

from helpdesk.tests.factories import CustomerFactory, submit


def test_customer_is_sent_to_the_admin_login_and_sees_no_ticket(client, db):
    customer = CustomerFactory()
    ticket = submit(requester=customer)
    client.force_login(customer)

    for url in (
        reverse("admin:index"),
        reverse("admin:helpdesk_ticket_changelist"),
        reverse("admin:helpdesk_ticket_change", args=[ticket.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_customer_cannot_post_a_reply_through_the_admin(client, db):
    customer = CustomerFactory()
    ticket = submit(requester=customer)
    client.force_login(customer)

    response = client.post(
        reverse("admin:helpdesk_ticket_reply", args=[ticket.pk]), {"kind": "public_reply", "body": "hi"}
    )

    assert response.status_code == 302
    assert ticket.messages.count() == 0


def test_agent_login_page_is_branded(client, db):
    response = client.get(reverse("admin:login"))

    assert "Kuaixiang Service Desk" in response.content.decode()
