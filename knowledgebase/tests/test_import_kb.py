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


RELEASE = """---
title: 插件 3.4.0 更新说明
slug: release-3-4-0
kind: release_note
version: 3.4.0
published_at: 2025-11-20
---
- 新增：附件同步支持 OFD
"""
VIDEO = """---
title: 视频：配置凭证规则
slug: video-rules
kind: video
video: https://player.bilibili.com/player.html?bvid=BV1xx411c7mE
---
本视频讲解凭证规则。
"""
ISSUE = """---
title: 大批量生成时同步卡在“处理中”
slug: issue-stuck
kind: known_issue
affects: 3.2.0, 3.2.1
fixed_in: 3.3.0
issue_status: fixed
workaround: 分批生成，每批不超过 200 张。
erp_versions: K/3 Cloud 8.x
---
受影响版本：3.2.0、3.2.1。
"""


@pytest.fixture
def versions():
    from datetime import date

    from helpdesk.models import PluginVersion

    return {
        v: PluginVersion.objects.create(version=v, released_on=date(2025, 1, i + 1))
        for i, v in enumerate(["3.2.0", "3.2.1", "3.3.0"])
    }


def test_release_notes_videos_and_known_issues_are_imported_with_their_fields(tmp_path, versions):
    from helpdesk.models import PluginVersion

    for name, text in {"release.md": RELEASE, "video.md": VIDEO, "issue.md": ISSUE}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    out, err = run(tmp_path)
    assert err == "" and "3 created" in out
    release = Article.objects.get(slug="release-3-4-0")
    assert release.release_version.version == "3.4.0"
    assert PluginVersion.objects.get(version="3.4.0").released_on.isoformat() == "2025-11-20"
    video = Article.objects.get(slug="video-rules").video
    assert (video.provider, video.provider_video_id) == ("bilibili", "BV1xx411c7mE")
    assert video.player_url.startswith("https://player.bilibili.com/player.html?bvid=BV1xx411c7mE")
    issue = Article.objects.get(slug="issue-stuck")
    assert sorted(issue.plugin_versions.values_list("version", flat=True)) == ["3.2.0", "3.2.1"]
    assert (issue.fixed_in.version, issue.issue_status, issue.erp_versions) == (
        "3.3.0",
        "fixed",
        "K/3 Cloud 8.x",
    )
    assert "分批生成" in issue.workaround_html


def test_imported_release_notes_and_videos_are_searchable(tmp_path, versions):
    from django.contrib.auth.models import AnonymousUser

    from search.selectors import search

    (tmp_path / "release.md").write_text(RELEASE, encoding="utf-8")
    (tmp_path / "video.md").write_text(VIDEO, encoding="utf-8")
    run(tmp_path)
    assert [h.kind for h in search(query="3.4.0", user=AnonymousUser()).hits] == ["release_note"]
    assert [h.kind for h in search(query="视频 凭证规则", user=AnonymousUser()).hits][0] == "video"


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("---\ntitle: x\nkind: release_note\n---\n", 3, "needs the plugin version"),
        ("---\ntitle: x\nkind: video\n---\n", 3, "add 'video:'"),
        (
            "---\ntitle: x\nkind: video\nvideo: https://example.com/v.mp4\n---\n",
            4,
            "video: Paste the link of a video",
        ),
        ("---\ntitle: x\nkind: known_issue\naffects: 3.2.0, 9.9\n---\n", 4, "unknown plugin version 9.9"),
        ("---\ntitle: x\nkind: known_issue\nfixed_in: 8.8\n---\n", 4, "fixed_in: unknown plugin version 8.8"),
        ("---\ntitle: x\nkind: known_issue\nissue_status: done\n---\n", 4, "issue_status 'done'"),
        ("---\ntitle: x\nkind: release_note\nversion: 4.0\nreleased_on: soon\n---\n", 5, "released_on"),
    ],
)
def test_bad_kind_specific_front_matter_is_reported_by_line(tmp_path, versions, content, line, message):
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad.md").write_text(content, encoding="utf-8")
    out, err = run(tmp_path)
    assert f"bad.md:{line}:" in err and message in err, err
    assert "1 created" in out and "1 skipped" in out
