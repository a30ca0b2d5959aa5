"""The HTML part of every mail, made from its text part.

Each mail is written once, as text (helpdesk/email/<kind>.txt, the portal's and the forum's
templates); `text_to_html` gives it the HTML alternative that mail clients show: paragraphs,
clickable links, quoted history ("> " lines) as a quote, and the text direction left to the
reader's client (`dir="auto"`). One layout for every kind keeps the two parts saying the
same thing.
"""

import re

from django.template.loader import render_to_string
from django.utils.html import escape

_CJK = re.compile(r"[\u4e00-\u9fff]")
# A URL ends at whitespace, at markup-breaking characters, and at CJK punctuation, which
# Chinese text puts right after a link without a space (“见 https://…。”).
_URL = re.compile(r"https?://[^\s<>\"'\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+")


def _linked(line: str) -> str:
    parts, last = [], 0
    for match in _URL.finditer(line):
        url = match.group(0).rstrip(".,;:!?)")
        end = match.start() + len(url)
        parts += [
            escape(line[last : match.start()]),
            f'<a href="{escape(url)}" rel="nofollow">{escape(url)}</a>',
        ]
        last = end
    parts.append(escape(line[last:]))
    return "".join(parts)


def text_to_html(*, subject: str, body: str) -> str:
    """An HTML document presenting `body` (plain text) under `subject`; everything escaped."""
    blocks: list[dict] = []
    for chunk in re.split(r"\n\s*\n", body.strip()):
        for line in chunk.split("\n"):
            quoted = line.startswith(">")
            text = line[1:].removeprefix(" ") if quoted else line
            if blocks and blocks[-1]["quoted"] == quoted and not blocks[-1].get("closed"):
                blocks[-1]["lines"].append(_linked(text))
            else:
                blocks.append({"quoted": quoted, "lines": [_linked(text)]})
        if blocks:
            blocks[-1]["closed"] = True  # a blank line ends a paragraph
    return render_to_string(
        "core/email/layout.html",
        {
            "subject": subject,
            "blocks": blocks,
            "language": "zh-Hans" if _CJK.search(subject + body[:500]) else "en",
        },
    )
