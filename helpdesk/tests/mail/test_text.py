"""What the customer wrote, without the history their mail client quoted."""

import pytest

from helpdesk.mail.text import html_to_text, trim_reply


@pytest.mark.parametrize(
    "reply",
    [
        "已解决，谢谢。\n\nOn Mon, 3 Nov 2025 at 09:00, Support <support@example.com> wrote:\n> 请重试",
        "已解决，谢谢。\n\n在 2025年11月3日 09:00，Support <support@example.com> 写道：\n> 请重试",
        "已解决，谢谢。\n\n-----原始邮件-----\n发件人: Support <support@example.com>\n请重试",
        "已解决，谢谢。\n\n________________________________\n发件人: Support\n请重试",
        "已解决，谢谢。\n\nFrom: Support <support@example.com>\nSent: Monday\n请重试",
        "已解决，谢谢。\n-- \n王伟 | 华东纺织\n",
        "已解决，谢谢。\n\n> 请重试\n> 旧的内容",
        "已解决，谢谢。\n—— 请在此线以上回复 ——\n请重试",
    ],
)
def test_the_quoted_history_and_signature_are_trimmed(reply):
    assert trim_reply(reply) == "已解决，谢谢。"


def test_a_mail_that_is_only_a_quote_is_kept_whole():
    assert trim_reply("> 请重试\n> 旧的内容") == "> 请重试\n> 旧的内容"


def test_html_keeps_text_paragraphs_and_links_but_no_script_or_style():
    text = html_to_text(
        "<style>p{color:red}</style><p>第一段</p><p>见<a href='https://kx.example/a'>这里</a></p>"
        "<script>alert(1)</script><table><tr><td>ERR</td><td>4090</td></tr></table>"
    )

    assert text == "第一段\n\n见这里 (https://kx.example/a)\n\nERR 4090"
