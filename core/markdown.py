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


def render_markdown(text: str) -> str:
    """Sanitised HTML for a Markdown body; empty text gives an empty string."""
    if not text or not text.strip():
        return ""
    html = markdown.markdown(text, extensions=EXTENSIONS, output_format="html")
    return sanitise_html(html)
