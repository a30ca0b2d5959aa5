"""What a post's text must be, and how it becomes HTML.

Minimum lengths are counted in characters without spaces, and a text with Chinese in it is
held to Chinese minimums: a title of six characters (U8怎么红冲) and a post of eight are
real questions in Chinese, where English needs three times the letters to say as much.
These follow Discourse's defaults for Chinese sites (title 6, post 8) and for English ones
(15 and 20).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.markdown import render_markdown
from helpdesk.quality import CJK

TITLE_MIN_CJK, TITLE_MIN_LATIN = 6, 15
BODY_MIN_CJK, BODY_MIN_LATIN = 8, 20
TITLE_MAX = 200
BODY_MAX = 32_000

_CJK_RE = re.compile(f"[{CJK}]")
_SPACE_RE = re.compile(r"\s+")
_QUOTE_LINE_RE = re.compile(r"^\s*>.*$", re.MULTILINE)
# Anything a reader can follow, in Markdown or bare (spam is mostly bare URLs).
_LINK_RE = re.compile(r"(?:https?://|www\.)[^\s)>\]]+", re.IGNORECASE)
# @handle, not inside a word or an e-mail address; handles are ASCII (see profiles.handle).
MENTION_RE = re.compile(r"(?<![\w@/.])@([A-Za-z0-9_][A-Za-z0-9_.-]{0,29})")
_CODE_RE = re.compile(r"```.*?(?:```|$)|`[^`\n]*`", re.DOTALL)


def length(text: str) -> int:
    return len(_SPACE_RE.sub("", text or ""))


def has_cjk(text: str) -> bool:
    return bool(_CJK_RE.search(text or ""))


def title_errors(title: str) -> list[str]:
    title = (title or "").strip()
    if not title:
        return [_("Write a title: the question in one line.")]
    minimum = TITLE_MIN_CJK if has_cjk(title) else TITLE_MIN_LATIN
    if length(title) < minimum:
        return [
            ngettext(
                "The title is too short: at least %(min)d character, so others can tell what it is about.",
                "The title is too short: at least %(min)d characters, so others can tell what it is about.",
                minimum,
            )
            % {"min": minimum}
        ]
    if len(title) > TITLE_MAX:
        return [_("The title is too long: at most %(max)d characters.") % {"max": TITLE_MAX}]
    return []


def body_errors(body: str) -> list[str]:
    body = (body or "").strip()
    if not body:
        return [_("Write something first.")]
    # What is quoted from someone else does not count towards one's own words.
    own = _QUOTE_LINE_RE.sub("", body)
    minimum = BODY_MIN_CJK if has_cjk(own) else BODY_MIN_LATIN
    if length(own) < minimum:
        return [
            ngettext(
                "The post is too short: at least %(min)d character of your own.",
                "The post is too short: at least %(min)d characters of your own.",
                minimum,
            )
            % {"min": minimum}
        ]
    if len(body) > BODY_MAX:
        return [_("The post is too long: at most %(max)d characters.") % {"max": BODY_MAX}]
    return []


def link_count(body: str) -> int:
    return len(_LINK_RE.findall(body or ""))


def _outside_code(text: str):
    """(is_code, piece) parts of a Markdown text, so mentions in code stay literal."""
    at = 0
    for match in _CODE_RE.finditer(text):
        yield False, text[at : match.start()]
        yield True, match.group(0)
        at = match.end()
    yield False, text[at:]


def mentioned_handles(body: str) -> list[str]:
    found: list[str] = []
    for is_code, piece in _outside_code(body or ""):
        if is_code:
            continue
        for match in MENTION_RE.finditer(piece):
            handle = match.group(1).rstrip(".-").lower()
            if handle and handle not in found:
                found.append(handle)
    return found


def render_post(body: str, *, mention_urls: dict[str, str] | None = None) -> str:
    """Sanitised HTML for a post; known @handles become links to the member's page."""
    mention_urls = mention_urls or {}
    if mention_urls:

        def link(match: re.Match) -> str:
            handle = match.group(1).rstrip(".-")
            url = mention_urls.get(handle.lower())
            if url is None:
                return match.group(0)
            rest = match.group(1)[len(handle) :]
            return f"[@{handle}]({url}){rest}"

        body = "".join(
            piece if is_code else MENTION_RE.sub(link, piece) for is_code, piece in _outside_code(body)
        )
    try:
        return render_markdown(body)
    except ValidationError as error:  # the renderer's own caps on size or nesting
        raise ValidationError({"body": error.messages}) from error
