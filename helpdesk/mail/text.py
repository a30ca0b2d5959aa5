"""Mail text: HTML to plain text, and a reply cut down to what the customer wrote.

Written here rather than taken from html2text (GPL-3.0, which a proprietary product cannot
ship) or mail-parser-reply (English and a few European languages only: it does not know
"在 …写道：" or Outlook's Chinese "发件人:" block). Both jobs are small once scoped to mail.
"""

import re
from html import unescape
from html.parser import HTMLParser

# Markup whose text is not part of what a reader sees.
_SKIP = {"script", "style", "head", "title", "template", "noscript"}
_BLOCK = {
    "p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "section", "article", "header", "footer", "hr", "dd", "dt",
}  # fmt: skip


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.quote_depth = 0
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag == "blockquote":
            self.quote_depth += 1
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append("\n")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.links.append(href if href.startswith(("http://", "https://", "mailto:")) else "")
        elif tag == "td":
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(self.skipping - 1, 0)
        elif tag == "blockquote":
            self.quote_depth = max(self.quote_depth - 1, 0)
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append("\n")
        elif tag == "a" and self.links:
            href = self.links.pop()
            text = "".join(self.parts[-1:])
            if href and href not in text:
                self.parts.append(f" ({href.removeprefix('mailto:')})")

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        data = re.sub(r"[ \t\r\n\f\v]+", " ", data)
        if self.quote_depth:
            data = data.replace("\n", "\n" + "> " * self.quote_depth)
            if not self.parts or self.parts[-1].endswith("\n"):
                data = "> " * self.quote_depth + data.lstrip()
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """The text a reader sees in `html`: no tags, scripts or styles; paragraphs as lines,
    quoted blocks as "> " lines, link targets kept in brackets."""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # hopeless markup: keep what was read
        pass
    text = unescape("".join(parser.parts))
    lines = [line.strip() for line in text.replace("\xa0", " ").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# Where quoted history starts in a reply. Our own mails put REPLY_MARKER above the quote.
REPLY_MARKER = "—— 请在此线以上回复 / Reply above this line ——"
_HISTORY_STARTS = [
    re.compile(r"^\s*" + re.escape(REPLY_MARKER)),
    re.compile(r"^\s*—— .*(回复|Reply above).*——\s*$"),
    re.compile(r"^\s*On .{4,200} wrote:\s*$"),  # Gmail, Apple Mail, Thunderbird
    re.compile(r"^\s*在\s?.{4,200}写道\s?[：:]\s*$"),  # the same clients in Chinese
    re.compile(r"^\s*-{2,}\s*(Original Message|原始邮件|Forwarded message|转发的邮件)\s*-{2,}\s*$", re.I),
    re.compile(r"^\s*(From|发件人)\s*[:：]\s*\S.*$"),  # Outlook's header block
    re.compile(r"^\s*_{10,}\s*$"),  # Outlook's rule above that block
]
_SIGNATURE = re.compile(r"^-- ?$")  # RFC 3676's signature separator


def trim_reply(text: str) -> str:
    """What the sender wrote above the quoted history and signature.

    Falls back to the whole text when trimming would leave nothing (a reply written below
    the quote, or a mail that is only a quote).
    """
    lines = text.replace("\r\n", "\n").split("\n")
    kept: list[str] = []
    for line in lines:
        if any(pattern.match(line) for pattern in _HISTORY_STARTS) or _SIGNATURE.match(line):
            break
        kept.append(line)
    # A trailing quote without an introduction ("> …" at the end) is history too.
    while kept and (kept[-1].startswith(">") or not kept[-1].strip()):
        kept.pop()
    trimmed = "\n".join(kept).strip()
    return trimmed or text.strip()
