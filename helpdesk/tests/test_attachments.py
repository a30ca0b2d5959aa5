"""Attachment limits, storage under generated names, and who may download what."""

import hashlib
import re
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from helpdesk.services.attachments import store_attachment, validate_upload
from helpdesk.services.conversation import add_internal_note
from helpdesk.tests.factories import AgentFactory, CustomerFactory, submit
from helpdesk.tests.files import PNG

pytestmark = pytest.mark.django_db


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


ALLOWED = ".csv, .gif, .jpeg, .jpg, .log, .pdf, .png, .txt, .webp, .xls, .xlsx, .zip"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<script>alert(1)</script>"),
        ("logo.svg", b"<svg/>"),
        ("run.exe", b"MZ"),
        ("noext", b"x"),
    ],
)
def test_dangerous_or_unknown_types_are_refused(name, content):
    message = f"“{name}”: this file type is not accepted. Allowed: {ALLOWED}."
    with pytest.raises(ValidationError, match=re.escape(message)):
        validate_upload(upload(name, content))


def test_html_renamed_to_png_is_refused():
    with pytest.raises(ValidationError, match=re.escape("“shot.png” does not look like a .png file.")):
        validate_upload(upload("shot.png", b"<html><script>alert(1)</script></html>"))


def test_binary_renamed_to_log_is_refused():
    with pytest.raises(ValidationError, match=re.escape("“dump.log” does not look like a text file.")):
        validate_upload(upload("dump.log", b"ERR\x00\x01binary"))


def test_oversized_and_empty_files_are_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    # filesizeformat keeps number and unit together with a no-break space; str(ValidationError)
    # is the repr of its message list, where that space is written as an escape.
    too_big = "“big.log” is 101\xa0bytes; the limit is 100\xa0bytes."
    with pytest.raises(ValidationError, match=re.escape(repr(too_big)[1:-1])):
        validate_upload(upload("big.log", b"x" * 101))
    with pytest.raises(ValidationError, match=re.escape("“empty.log” is empty.")):
        validate_upload(upload("empty.log", b""))


def test_accepted_types_get_the_server_decided_content_type():
    assert validate_upload(upload("error.log", b"ERR-4012 account missing")) == "text/plain"
    assert validate_upload(upload("screen.PNG", PNG)) == "image/png"


def test_stored_under_a_generated_name_with_checksum():
    ticket = submit()
    attachment = store_attachment(
        ticket=ticket, upload=upload("../../etc/passwd.log", b"hello"), uploaded_by=None
    )
    assert attachment.original_name == "passwd.log"
    assert "passwd" not in attachment.file.name
    assert attachment.sha256 == hashlib.sha256(b"hello").hexdigest()


def test_requester_downloads_as_attachment_with_nosniff(client):
    ticket = submit(attachments=[upload("error.log", b"ERR-4012")])
    attachment = ticket.attachments.get()
    client.force_login(ticket.requester)
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == b"ERR-4012"


def test_another_customer_gets_404(client):
    ticket = submit(attachments=[upload("error.log", b"ERR")])
    client.force_login(CustomerFactory())
    assert client.get(ticket.attachments.get().get_absolute_url()).status_code == 404


def test_colleague_sees_files_only_as_organization_admin(client):
    ticket = submit(attachments=[upload("error.log", b"ERR")])
    org = ticket.organization
    url = ticket.attachments.get().get_absolute_url()
    client.force_login(CustomerFactory(organization=org))
    assert client.get(url).status_code == 404
    client.force_login(CustomerFactory(organization=org, organization__is_org_admin=True))
    assert client.get(url).status_code == 200


def test_internal_attachments_are_hidden_from_customers(client):
    ticket = submit()
    agent = AgentFactory()
    note = add_internal_note(
        ticket=ticket, author=agent, body="内部日志", attachments=[upload("db.log", b"secret")]
    )
    url = note.attachments.get().get_absolute_url()
    client.force_login(ticket.requester)
    assert client.get(url).status_code == 404
    client.force_login(agent)
    assert client.get(url).status_code == 200


def test_anonymous_is_sent_to_login(client):
    ticket = submit(attachments=[upload("error.log", b"ERR")])
    response = client.get(ticket.attachments.get().get_absolute_url())
    assert response.status_code == 302


def test_a_file_missing_from_storage_is_a_404_not_a_500(client):
    ticket = submit(attachments=[upload("error.log", b"ERR")])
    attachment = ticket.attachments.get()
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(ticket.requester)
    assert client.get(attachment.get_absolute_url()).status_code == 404


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims these dimensions; its pixel data is empty (nothing is decoded)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def test_a_decompression_bomb_png_is_refused_before_anything_decodes_it():
    bomb = SimpleUploadedFile("截图.png", _png_header(50_000, 50_000), content_type="image/png")
    with pytest.raises(ValidationError, match="too large an image"):
        validate_upload(bomb)


def test_a_file_named_png_that_is_no_image_is_refused():
    fake = SimpleUploadedFile("截图.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png")
    with pytest.raises(ValidationError, match="does not look like a .png file"):
        validate_upload(fake)


def test_a_real_screenshot_sized_image_is_accepted():
    assert validate_upload(SimpleUploadedFile("a.png", _png_header(3840, 2160))) == "image/png"
