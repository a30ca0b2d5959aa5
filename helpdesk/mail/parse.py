"""A raw RFC 822 message → the facts inbound mail needs (Python's `email`, policy default).

Pure functions over bytes: no database, no settings. `parse_message` never raises on
malformed input; what it cannot read it leaves empty.
"""

import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from core.headers import single_line

from .text import html_to_text

# Declared charsets that are subsets of what senders really use: a mail labelled gb2312
# often holds GBK characters, and Big5 mail from Hong Kong holds HKSCS ones.
CHARSET_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
}
MESSAGE_ID_RE = re.compile(r"<[^<>\s]+>")
HTML_NAMES = re.compile(r"\.x?html?$", re.IGNORECASE)


@dataclass
class MailFile:
    name: str
    content_type: str
    content: bytes


@dataclass
class ParsedMail:
    message_id: str
    from_address: str
    from_name: str
    recipients: list[str]
    subject: str
    text: str
    in_reply_to: list[str]
    references: list[str]
    files: list[MailFile] = field(default_factory=list)
    automatic: str = ""  # why this is machine mail ("auto_submitted", "bounce"), else ""
    our_ticket_header: str = ""  # X-Kuaixiang-Ticket: set on our own mail

    @property
    def thread_ids(self) -> list[str]:
        """The ids this mail answers, nearest first."""
        return list(dict.fromkeys([*self.in_reply_to, *reversed(self.references)]))


def parse_message(raw: bytes) -> ParsedMail:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    from_name, from_address = _address(message, "from")
    if not from_address:
        from_name, from_address = _address(message, "sender")
    text, files = _body_and_files(message)
    return ParsedMail(
        message_id=_message_id(message, raw),
        from_address=from_address,
        from_name=from_name,
        recipients=_recipients(message),
        subject=single_line(_header(message, "subject")),
        text=text,
        in_reply_to=MESSAGE_ID_RE.findall(_header(message, "in-reply-to")),
        references=MESSAGE_ID_RE.findall(_header(message, "references")),
        files=files,
        automatic=_automatic(message, from_address),
        our_ticket_header=_header(message, "x-kuaixiang-ticket").strip(),
    )


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError, LookupError):  # a header the parser cannot decode
        value = ""
    return str(value) if value is not None else ""


def _address(message: EmailMessage, name: str) -> tuple[str, str]:
    display, address = parseaddr(_header(message, name))
    address = address.strip().lower()
    if "@" not in address or single_line(address) != address or " " in address:
        return "", ""
    return single_line(display)[:150], address


def _recipients(message: EmailMessage) -> list[str]:
    values = [_header(message, name) for name in ("to", "cc", "delivered-to", "x-original-to")]
    return [address.lower() for _name, address in getaddresses(values) if "@" in address]


def _message_id(message: EmailMessage, raw: bytes) -> str:
    found = MESSAGE_ID_RE.findall(_header(message, "message-id"))
    if found:
        return found[0][:255]
    # No id: the content's digest stands in, so the same mail fetched twice is still one.
    return f"<sha256.{hashlib.sha256(raw).hexdigest()}@no-message-id>"


def _automatic(message: EmailMessage, from_address: str) -> str:
    """Why a mail was sent by a machine (RFC 3834 and the conventions around it), else ""."""
    local = from_address.partition("@")[0]
    content_type = message.get_content_type()
    if (
        content_type == "multipart/report"
        or local in {"mailer-daemon", "postmaster", "mail-daemon"}
        or _header(message, "return-path").strip() == "<>"
    ):
        return "bounce"
    auto_submitted = _header(message, "auto-submitted").strip().lower()
    precedence = _header(message, "precedence").strip().lower()
    if (
        (auto_submitted and auto_submitted != "no")
        or precedence in {"bulk", "list", "junk", "auto_reply"}
        or message.get("x-autoreply") is not None
        or message.get("x-autorespond") is not None
        or message.get("list-id") is not None
        or message.get("list-unsubscribe") is not None
        or _header(message, "x-auto-response-suppress").strip().lower() in {"all", "oof"}
    ):
        return "auto_submitted"
    return ""


def decode_part(part: EmailMessage) -> str:
    """A text part's content, read in the charset it declares (or the one it really uses)."""
    payload = part.get_payload(decode=True) or b""
    declared = (part.get_content_charset() or "utf-8").lower()
    charset = CHARSET_SUPERSETS.get(declared, declared)
    for candidate in (charset, "utf-8", "gb18030"):
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("utf-8", errors="replace")


def _body_and_files(message: EmailMessage) -> tuple[str, list[MailFile]]:
    body_part = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if body_part is not None:
        content = decode_part(body_part)
        text = html_to_text(content) if body_part.get_content_type() == "text/html" else content
    files: list[MailFile] = []
    forwarded: list[str] = []
    for part in message.iter_attachments():
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            if isinstance(inner, EmailMessage):
                inner_text, inner_files = _body_and_files(inner)
                forwarded.append(_forwarded_block(inner, inner_text))
                files.extend(inner_files)
            continue
        file = _file(part)
        if file is not None:
            files.append(file)
    if forwarded:
        text = "\n\n".join([text.strip(), *forwarded]).strip()
    return _normalise_newlines(text), files


def _forwarded_block(inner: EmailMessage, text: str) -> str:
    lines = ["---------- Forwarded message ----------"]
    for name in ("from", "date", "subject"):
        value = single_line(_header(inner, name))
        if value:
            lines.append(f"{name.capitalize()}: {value}")
    return "\n".join(lines) + "\n\n" + text.strip()


def _file(part: EmailMessage) -> MailFile | None:
    name = single_line(part.get_filename() or "")
    content_type = part.get_content_type()
    if not name:
        if content_type.startswith("text/"):
            name = "message.html" if content_type == "text/html" else "message.txt"
        else:
            return None
    name = name.replace("/", "_").replace("\\", "_")[:200]
    if content_type == "text/html" or HTML_NAMES.search(name):
        # Never stored (or served) as HTML: its text is kept instead.
        text = html_to_text(decode_part(part))
        return MailFile(
            name=HTML_NAMES.sub("", name) + ".txt", content_type="text/plain", content=text.encode()
        )
    content = part.get_payload(decode=True) or b""
    return MailFile(name=name, content_type=content_type, content=content)


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
