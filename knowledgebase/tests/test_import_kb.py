from io import StringIO

import pytest
from django.core.management import call_command

from knowledgebase.models import Article, Category

pytestmark = pytest.mark.django_db

GOOD = """---
title: 金蝶凭证生成失败
slug: kingdee-failed
category: 对接/金蝶
kind: faq
tags: [金蝶, 凭证]
visibility: customers
status: published
published_at: 2024-05-01 09:30
---
先检查 **科目** 是否启用。
"""


def run(tmp_path):
    out, err = StringIO(), StringIO()
    call_command("import_kb", str(tmp_path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_creates_articles_categories_and_tags(tmp_path):
    (tmp_path / "a.md").write_text(GOOD, encoding="utf-8")
    out, err = run(tmp_path)
    item = Article.objects.get(slug="kingdee-failed")
    assert (item.kind, item.visibility, item.category.name, item.category.parent.name) == (
        "faq",
        "customers",
        "金蝶",
        "对接",
    )
    assert sorted(item.tags.values_list("name", flat=True)) == ["凭证", "金蝶"]
    assert "<strong>科目</strong>" in item.body_html
    assert item.published_at.isoformat().startswith("2024-05-01T01:30")  # Asia/Shanghai → UTC
    assert "1 created" in out and err == ""


def test_rerunning_updates_by_slug_instead_of_duplicating(tmp_path):
    (tmp_path / "a.md").write_text(GOOD, encoding="utf-8")
    run(tmp_path)
    (tmp_path / "a.md").write_text(GOOD.replace("先检查", "请先检查"), encoding="utf-8")
    out, _ = run(tmp_path)
    assert Article.objects.count() == 1 and Category.objects.count() == 2
    assert "请先检查" in Article.objects.get().body_md
    assert "1 updated" in out


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("no front matter\n", 1, "must start"),
        ("---\ntitle: x\n", 2, "not closed"),
        ("---\ntitle: x\nkind: blog\n---\nbody", 3, "kind 'blog'"),
        ("---\ntitle: x\nthis line is wrong\n---\n", 3, "key: value"),
        ("---\ntitle: x\nauthor: me\n---\n", 3, "unknown key"),
        ("---\nslug: x\n---\n", 1, "title is required"),
        ("---\ntitle: x\npublished_at: yesterday\n---\n", 3, "published_at"),
    ],
)
def test_bad_files_are_reported_by_name_and_line_and_the_rest_imported(tmp_path, content, line, message):
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad.md").write_text(content, encoding="utf-8")
    out, err = run(tmp_path)
    assert f"bad.md:{line}:" in err and message in err
    assert Article.objects.filter(slug="kingdee-failed").exists()
    assert "1 created" in out and "1 skipped" in out
