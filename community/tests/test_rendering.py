"""Posts are Markdown sanitised like the knowledge base's: the same XSS battery, on posts."""

import pytest

from community.services import posting
from core.tests.test_markdown import XSS_PAYLOADS

from .factories import reply, topic

pytestmark = pytest.mark.django_db
NEEDLES = ("javascript", "vbscript", "data:", "<script", "onerror", "onload", "onclick", "style=",
           "<iframe", "<svg", "<object", "<base", "<meta", "<form", "<style")  # fmt: skip
PAD = "\n\n这段文字用来凑够帖子的长度"


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_a_reply_leaves_no_script_vector(client, question, helper, payload):
    post = reply(topic=question, author=helper, body=payload + PAD)
    html = post.body_html.lower()
    for needle in NEEDLES:
        assert needle not in html, (payload, html)
    page = client.get(question.get_absolute_url()).content.decode()
    start = page.index('id="post-2"')
    body = page[start : page.index("</article>", start)].lower()
    for needle in NEEDLES:
        assert needle not in body, (payload, body)


@pytest.mark.parametrize("payload", XSS_PAYLOADS[:8])
def test_an_edit_is_sanitised_too(question, payload):
    post = question.posts.get(number=1)
    posting.edit_post(post=post, editor=question.author, body=payload + PAD)
    post.refresh_from_db()
    assert "javascript" not in post.body_html.lower()


def test_a_title_is_text_not_markup(client, board, asker):
    made = topic(board=board, author=asker, title="<script>alert(1)</script> 凭证红冲")
    page = client.get(made.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 凭证红冲" in page
    listing = client.get("/community/").content.decode()
    assert "<script>alert(1)</script>" not in listing


def test_markdown_structure_survives(question, helper):
    post = reply(
        topic=question,
        author=helper,
        body="## 步骤\n\n1. 打开收款单\n2. 点击 **生成红冲凭证**\n\n```\nERR-4012\n```",
    )
    for tag in ("<h2>", "<ol>", "<strong>", "<pre><code>"):
        assert tag in post.body_html
