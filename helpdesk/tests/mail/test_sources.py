"""Where mail comes from: a Maildir read by fetch_mail, an mbox, and the relay endpoint."""

import mailbox as stdlib_mailbox

import pytest
from django.core.management import call_command
from django.urls import reverse

from helpdesk.mail import sources
from helpdesk.models import InboundMessage, Mailbox, Ticket

from .conftest import eml

pytestmark = pytest.mark.django_db
SECRET = "a-relay-secret-that-is-long-enough"


def test_fetch_mail_turns_a_maildir_message_into_a_ticket_once(mailbox, li_na, tmp_path):
    folder = stdlib_mailbox.Maildir(tmp_path / "inbox", create=True)
    folder.add(eml("new_request_gbk"))
    mailbox.path = str(tmp_path / "inbox")
    mailbox.save()

    call_command("fetch_mail")
    call_command("fetch_mail")

    assert Ticket.objects.get().subject == "金蝶收款单生成凭证失败"
    assert [m.get_subdir() for m in stdlib_mailbox.Maildir(tmp_path / "inbox").values()] == ["cur"]
    mailbox.refresh_from_db()
    assert mailbox.last_fetched_at is not None and mailbox.last_error == ""


def test_an_mbox_is_emptied_as_its_messages_are_recorded(mailbox, li_na, organization, tmp_path):
    from helpdesk.tests.factories import CustomerFactory

    CustomerFactory(email="zhao.lei@huadong.example", organization=organization)
    path = tmp_path / "support.mbox"
    box = stdlib_mailbox.mbox(path)
    box.add(eml("new_request_gbk"))
    box.add(eml("html_only"))
    box.flush()
    box.close()
    mailbox.source, mailbox.path = Mailbox.Source.MBOX, str(path)
    mailbox.save()

    assert sources.fetch(mailbox) == 2
    assert Ticket.objects.count() == 2
    assert len(stdlib_mailbox.mbox(path)) == 0


def test_an_unreadable_source_is_recorded_on_the_mailbox(mailbox, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    mailbox.path = str(blocker / "inbox")
    mailbox.save()

    assert sources.fetch(mailbox) == 0
    mailbox.refresh_from_db()
    assert mailbox.last_error


@pytest.fixture
def relay_box(mailbox):
    mailbox.source, mailbox.relay_secret = Mailbox.Source.RELAY, SECRET
    mailbox.save()
    return mailbox


def post(client, box_id, raw, secret=SECRET):
    return client.post(
        reverse("helpdesk:mail_relay", kwargs={"mailbox_id": box_id}),
        data=raw,
        content_type="message/rfc822",
        headers={"Authorization": f"Bearer {secret}"},
    )


def test_the_relay_accepts_a_raw_message_once(client, relay_box, li_na):
    first = post(client, relay_box.pk, eml("new_request_gbk"))
    again = post(client, relay_box.pk, eml("new_request_gbk"))

    assert (first.status_code, again.status_code) == (202, 202)
    assert first.json()["outcome"] == "ticket"
    assert first.json()["id"] == again.json()["id"]
    assert Ticket.objects.count() == 1


def test_the_relay_answers_a_wrong_secret_and_an_unknown_mailbox_alike(client, relay_box, li_na):
    wrong = post(client, relay_box.pk, eml("new_request_gbk"), secret=SECRET[:-1] + "X")
    unknown = post(client, relay_box.pk + 100, eml("new_request_gbk"))

    assert (wrong.status_code, unknown.status_code) == (401, 401)
    assert wrong.json() == unknown.json()
    assert InboundMessage.objects.count() == 0


def test_the_relay_refuses_a_message_over_the_limit_before_reading_it(client, relay_box, li_na, settings):
    settings.MAIL_MAX_BYTES = 100

    response = post(client, relay_box.pk, eml("new_request_gbk"))

    assert response.status_code == 413
    assert InboundMessage.objects.count() == 0


def test_the_relay_takes_messages_larger_than_a_form_post(client, relay_box, li_na, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100  # the relay reads the stream, not request.body

    response = post(client, relay_box.pk, eml("new_request_gbk"))

    assert response.status_code == 202
