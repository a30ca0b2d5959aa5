"""The HTML part of every mail, made from its text part.

Each mail is written once, as text (helpdesk/email/<kind>.txt, the portal's and the forum's
templates); `text_to_html` gives it the HTML alternative that mail clients show: paragraphs,
clickable links, quoted history as a quote, and the text direction left to the reader's
client (`dir="auto"`). One layout for every kind keeps the two parts saying the same thing.
"""

import re

from django.template.loader import render_to_string
from django.utils.html import escape, urlize

_CJK = re.compile(r"[\u4e00-\u9fff]")


def text_to_html(*, subject: str, body: str) -> str:
    """An HTML document presenting `body` (plain text) under `subject`."""
    blocks: list[dict] = []
    for chunk in re.split(r"\n\s*\n", body.strip()):
        lines = chunk.split("\n")
        quoted = all(line.startswith(">") for line in lines if line.strip())
        if quoted:
            lines = [line[1:].removeprefix(" ") for line in lines]
        # urlize escapes the text it does not turn into links.
        html_lines = [urlize(line, nofollow=True, autoescape=True) for line in lines]
        blocks.append({"quoted": quoted, "lines": html_lines})
    return render_to_string(
        "core/email/layout.html",
        {
            "subject": escape(subject),
            "blocks": blocks,
            "language": "zh-Hans" if _CJK.search(subject + body[:500]) else "en",
        },
    )
