import time

import pytest
from django.core.exceptions import ValidationError

from core.markdown import render_markdown

XSS_PAYLOADS = [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](java\nscript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](&#0000106avascript:alert(1))",
    "[x](%6Aavascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    '[x][ref]\n\n[ref]: javascript:alert(1) "title"',
    "<javascript:alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    "![x](javascript:alert(1))",
    '<img src="javascript:alert(1)">',
    "![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](vbscript:msgbox(1))",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<script>alert(1)</script>",
    "<iframe src='https://evil.example'></iframe>",
    "<a href='https://ok.example' onclick='alert(1)'>x</a>",
    "<div style='background:url(javascript:alert(1))'>x</div>",
    "<form action='javascript:alert(1)'><button>x</button></form>",
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
    "<object data='javascript:alert(1)'></object>",
    "<base href='javascript:alert(1)//'>",
    "<meta http-equiv='refresh' content='0;url=javascript:alert(1)'>",
    "<style>body{background:red}</style>",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_sanitiser_leaves_no_script_vector(payload):
    html = render_markdown(payload).lower()
    for needle in ("javascript", "vbscript", "data:", "<script", "onerror", "onload", "onclick", "style=",
                   "<iframe", "<svg", "<object", "<base", "<meta", "<form", "<style"):  # fmt: skip
        assert needle not in html, (payload, html)


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("[a](https://example.com/x?y=1)", 'href="https://example.com/x?y=1"'),
        ("[a](http://example.com)", 'href="http://example.com"'),
        ("[a](mailto:support@example.com)", 'href="mailto:support@example.com"'),
        ("[a](/kb/a/intro/)", 'href="/kb/a/intro/"'),
        ("[a](../other/)", 'href="../other/"'),
        ("[a](#steps)", 'href="#steps"'),
        ("<https://example.com>", 'href="https://example.com"'),
        ("[a][r]\n\n[r]: https://example.com/ref", 'href="https://example.com/ref"'),
        ("![图](/static/img/x.png)", 'src="/static/img/x.png"'),
    ],
)
def test_safe_links_and_images_are_kept(source, href):
    assert href in render_markdown(source)


def test_links_get_noopener_and_nofollow():
    assert 'rel="noopener noreferrer nofollow"' in render_markdown("[a](https://example.com)")


def test_markdown_structure_survives_sanitising():
    html = render_markdown(
        "## 步骤\n\n1. 打开收款单\n2. 点击 **生成凭证**\n\n```\nERR-4012\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    for tag in ("<h2>", "<ol>", "<strong>", "<pre><code>", "<table>"):
        assert tag in html


def test_empty_body_renders_to_empty_string():
    assert render_markdown("   ") == ""


# --- bounded input --------------------------------------------------------------------------
PATHOLOGICAL = {
    "50,000 opening brackets": "[" * 50_000,
    "unclosed link parentheses": "[a](" * 5_000,
    "1,000-level list": "\n".join("    " * i + "- x" for i in range(1_000)),
    "10,000-level list": "\n".join("  " * i + "- x" for i in range(10_000)),
    "deep quotes": ">" * 5_000 + " x",
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_markdown_is_refused_quickly_with_a_clear_message(name):
    started = time.perf_counter()
    with pytest.raises(ValidationError, match="nested too deeply|too long"):
        render_markdown(PATHOLOGICAL[name])
    assert time.perf_counter() - started < 1.0


def test_text_over_the_length_limit_is_refused_with_the_limit_named():
    with pytest.raises(ValidationError, match="at most 10 characters") as caught:
        render_markdown("凭证" * 6, max_chars=10)
    assert caught.value.code == "markdown_length"


def test_ordinary_nesting_and_pasted_logs_in_code_blocks_render():
    text = "\n".join(
        [
            "- 第一步",
            "    - 打开收款单",
            "        - 点击「生成凭证」",
            "> 引用 > 客户说",
            "```",
            "(" * 200 + " stack trace " + "[" * 200,
            "```",
            "[手册](https://example.com/a_(b)) and (see [KB](/kb/))",
        ]
    )
    html = render_markdown(text)
    assert "<li>" in html and "stack trace" in html and 'href="https://example.com/a_(b)"' in html
