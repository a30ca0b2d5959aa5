"""Markdown → safe HTML, done once when an article is saved.

Python-Markdown passes raw HTML through, so its output is untrusted: nh3 (ammonia) keeps
only the allow-listed tags and attributes, and links/images only with http(s), mailto or a
relative URL. ammonia parses URLs the way browsers do, so `javascript:` spelled with
entities, tabs, newlines or odd case is caught along with the plain one.
"""

import re
from urllib.parse import unquote

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["markdown.extensions.extra", "markdown.extensions.sane_lists"]


_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f]+")


def _url_filter(tag: str, attribute: str, value: str) -> str | None:
    """Belt and braces after ammonia: drop a URL that spells a foreign scheme once decoded."""
    if attribute not in {"href", "src"}:
        return value
    decoded = _INVISIBLE.sub("", unquote(value)).lower()
    match = _SCHEME.match(decoded)
    if match and match.group(1) not in URL_SCHEMES:
        return None
    return value


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_url_filter,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


# Python-Markdown's time grows with the square of unclosed brackets (50,000 "[" take minutes)
# and its recursion with list nesting (1,000 levels overflow the stack). No real article,
# post or reply comes near these bounds; pathological input is refused before rendering.
MAX_MARKDOWN_CHARS = 200_000
MAX_BRACKET_DEPTH = 32
MAX_LIST_INDENT = 64  # leading spaces: 16 levels of four-space list nesting
MAX_QUOTE_DEPTH = 16
_FENCE = re.compile(r"^\s*(```|~~~)")


def validate_markdown(text: str, *, max_chars: int = MAX_MARKDOWN_CHARS) -> None:
    """Raise ValidationError (translated) when Markdown is too long or too deeply nested to
    render in bounded time. A linear scan; fenced code blocks are not inspected."""
    if not text:
        return
    if len(text) > max_chars:
        raise ValidationError(
            _("This text is too long: at most %(limit)s characters (it has %(length)s)."),
            code="markdown_length",
            params={"limit": max_chars, "length": len(text)},
        )
    prose = []
    in_fence = False
    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence:
            prose.append(line)
    for line in prose:
        stripped = line.expandtabs(4).lstrip(" ")
        indent = len(line.expandtabs(4)) - len(stripped)
        if indent > MAX_LIST_INDENT and _LIST_ITEM.match(stripped):
            raise _nesting_error()
        quotes = _QUOTES.match(stripped)
        if quotes and quotes.group(0).count(">") > MAX_QUOTE_DEPTH:
            raise _nesting_error()
    joined = "\n".join(prose)
    if _max_depth(joined, "[", "]") > MAX_BRACKET_DEPTH or _max_depth(joined, "(", ")") > MAX_BRACKET_DEPTH:
        raise _nesting_error()


_LIST_ITEM = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?:\s|$)")
_QUOTES = re.compile(r"(?:>[ \t]?)+")


def _max_depth(text: str, opening: str, closing: str) -> int:
    depth = deepest = 0
    for char in text:
        if char == opening:
            depth += 1
            deepest = max(deepest, depth)
        elif char == closing and depth:
            depth -= 1
    return deepest


def _nesting_error() -> ValidationError:
    return ValidationError(
        _(
            "This text is nested too deeply (brackets, lists or quotes) to be shown. "
            "Simplify the formatting, or put pasted logs in a ``` code block."
        ),
        code="markdown_nesting",
    )


def render_markdown(text: str, *, max_chars: int = MAX_MARKDOWN_CHARS) -> str:
    """Sanitised HTML for a Markdown body; empty text gives an empty string.

    Raises ValidationError for input `validate_markdown` refuses, so a caller can show the
    message on the field; rendering never runs unbounded.
    """
    if not text or not text.strip():
        return ""
    validate_markdown(text, max_chars=max_chars)
    try:
        html = markdown.markdown(text, extensions=EXTENSIONS, output_format="html")
    except RecursionError:
        raise _nesting_error() from None
    return sanitise_html(html)
