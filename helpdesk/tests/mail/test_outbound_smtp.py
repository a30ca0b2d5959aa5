"""Mail leaves through a real SMTP server started by the test (aiosmtpd), exactly once."""

import os
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from helpdesk.models import EmailKind, OutboundEmail
from helpdesk.services import outbox

pytestmark = pytest.mark.django_db


class Collect:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


# Each xdist worker takes its own ports: a server one worker starts must never be the "server
# down" a test on the other worker relies on.
_PORTS = {"gw0": range(2525, 2533), "gw1": range(2533, 2541)}.get(
    os.environ.get("PYTEST_XDIST_WORKER", ""), range(2525, 2541)
)


def free_port() -> int:
    for port in _PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"no free port in {_PORTS}")


@pytest.fixture
def smtp_settings(settings):
    port = free_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    return port


def test_a_mail_goes_through_smtp_with_text_and_html_parts_and_its_message_id(smtp_settings, monday_9am):
    handler = Collect()
    server = Controller(handler, hostname="127.0.0.1", port=smtp_settings)
    server.start()
    try:
        email = outbox.queue_email(
            to=["li.na@huadong.example"],
            subject="[KX-000001] 我们已收到您的工单",
            body="您好，\n\n详情见 http://127.0.0.1:8011/tickets/KX-000001/\n\n> 旧的内容\n",
            kind=EmailKind.TICKET_RECEIVED,
            reply_to="support+kx-000001.0123456789abcdef@example.com",
            now=monday_9am,
        )
        assert outbox.deliver(email_id=email.pk, now=monday_9am) == OutboundEmail.State.SENT
    finally:
        server.stop()

    [(rcpt, message)] = handler.messages
    assert rcpt == ["li.na@huadong.example"]
    assert message["Subject"] == "[KX-000001] 我们已收到您的工单"
    assert message["Message-ID"] == email.message_id
    assert message["Reply-To"] == "support+kx-000001.0123456789abcdef@example.com"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "详情见" in text
    assert '<a href="http://127.0.0.1:8011/tickets/KX-000001/"' in html
    assert "<blockquote" in html and "旧的内容" in html


# Spaces between Chinese and codes or versions, where Python 3.12's own folder would put the
# space into the fold between two encoded words and readers would drop it ("3.1.4后").
SPACED_SUBJECTS = [
    "[KX-000592] 新回复：插件升级到 3.1.4 后凭证模板 #1 打不开（currency_rate）",
    "[KX-000017] 工单已解决：收款单生成凭证报 ERR-4012 科目 2241.02 不存在 请确认",
    "[KX-000123] 新回复：Voucher template #30 blank after upgrading to 3.2.1 凭证模板 空白",
    "[KX-000321] SLA 预警：金蝶云星空 8.1 凭证同步 U8 V13.0 接口 超时 ERR-4090 第 3 次",
]


def test_mixed_subjects_arrive_with_every_space_where_it_was(smtp_settings, monday_9am):
    handler = Collect()
    server = Controller(handler, hostname="127.0.0.1", port=smtp_settings)
    server.start()
    try:
        for subject in SPACED_SUBJECTS:
            email = outbox.queue_email(
                to=["li.na@huadong.example"],
                subject=subject,
                body="b",
                kind=EmailKind.AGENT_REPLY,
                now=monday_9am,
            )
            assert outbox.deliver(email_id=email.pk, now=monday_9am) == OutboundEmail.State.SENT
    finally:
        server.stop()

    assert [message["Subject"] for _, message in handler.messages] == SPACED_SUBJECTS


def test_smtp_down_then_up_delivers_each_mail_exactly_once(smtp_settings, monday_9am):
    emails = [
        outbox.queue_email(
            to=[f"c{n}@huadong.example"],
            subject=f"s{n}",
            body="b",
            kind=EmailKind.AGENT_REPLY,
            now=monday_9am,
        )
        for n in range(3)
    ]
    # Down: nothing listens on the port.
    assert outbox.flush_outbox(now=monday_9am) == {OutboundEmail.State.PENDING: 3}
    later = max(OutboundEmail.objects.values_list("next_attempt_at", flat=True))

    handler = Collect()
    server = Controller(handler, hostname="127.0.0.1", port=smtp_settings)
    server.start()
    try:
        first = outbox.flush_outbox(now=later)
        second = outbox.flush_outbox(now=later)
    finally:
        server.stop()

    assert first == {OutboundEmail.State.SENT: 3}
    assert second == {}
    received = sorted(message["Message-ID"] for _rcpt, message in handler.messages)
    assert received == sorted(email.message_id for email in emails)  # each once, with its own id
    assert set(OutboundEmail.objects.values_list("attempts", flat=True)) == {2}


def test_a_recipient_the_server_refuses_for_good_fails_at_once_with_the_reason(smtp_settings, monday_9am):
    class Refuse(Collect):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return "550 5.1.1 User unknown"

    server = Controller(Refuse(), hostname="127.0.0.1", port=smtp_settings)
    server.start()
    try:
        email = outbox.queue_email(
            to=["gone@huadong.example"], subject="s", body="b", kind=EmailKind.AGENT_REPLY
        )
        state = outbox.deliver(email_id=email.pk)
    finally:
        server.stop()

    email.refresh_from_db()
    assert (state, email.attempts) == (OutboundEmail.State.FAILED, 1)
    assert "User unknown" in email.last_error
