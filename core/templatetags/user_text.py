"""`{{ value|user_text }}`: text a person typed, wrapped as the project shows such text.

`<bdi>` keeps a right-to-left override inside it from reordering the page around it, and
`data-user-content` tells the one-language-per-screen check (config/tests/purity.py) that
these words are the writer's, not the interface's. It works inside `{% blocktranslate %}`
too (`with author=topic.author.get_short_name|user_text`), where a plain element could not
be wrapped around the variable without changing the message.
"""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def user_text(value) -> str:
    if value is None or value == "":
        return ""
    return format_html("<bdi data-user-content>{}</bdi>", value)
