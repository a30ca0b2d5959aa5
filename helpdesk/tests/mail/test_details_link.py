"""The signed link in the "needs details" mail opens the completion form, pre-filled."""

import pytest

from helpdesk.mail import inbound
from helpdesk.models import EmailKind, Mailbox, OutboundEmail
from helpdesk.services.links import details_token, ticket_for_details_token

from .conftest import eml

pytestmark = pytest.mark.django_db


def link_path(ticket) -> str:
    body = OutboundEmail.objects.get(ticket=ticket, kind=EmailKind.DETAILS_NEEDED).body
    url = next(word for word in body.split() if "/details/?k=" in word)
    return url.partition("127.0.0.1:8000")[2]


def test_a_customer_created_from_mail_opens_the_form_from_the_link_prefilled(client, mailbox, monday_9am):
    mailbox.unknown_sender = Mailbox.UnknownSender.CREATE
    mailbox.save()
    ticket = inbound.receive(mailbox=mailbox, raw=eml("new_request_gbk"), now=monday_9am).ticket

    response = client.get(link_path(ticket), follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/tickets/{ticket.reference}/details/"
    assert "今天上午点击“生成凭证”后报错" in response.content.decode()  # pre-filled with the mail


def test_a_customer_with_a_password_is_asked_to_sign_in_not_signed_in(client, mailbox, li_na, monday_9am):
    ticket = inbound.receive(mailbox=mailbox, raw=eml("new_request_gbk"), now=monday_9am).ticket

    response = client.get(link_path(ticket), follow=True)

    assert "_auth_user_id" not in client.session
    assert "/login/" in response.redirect_chain[-1][0]


def test_a_token_names_one_ticket_only(mailbox, li_na, monday_9am):
    ticket = inbound.receive(mailbox=mailbox, raw=eml("new_request_gbk"), now=monday_9am).ticket

    assert ticket_for_details_token(reference=ticket.reference, token=details_token(ticket)) == ticket
    assert ticket_for_details_token(reference="KX-000999", token=details_token(ticket)) is None
    assert ticket_for_details_token(reference=ticket.reference, token=details_token(ticket) + "x") is None
