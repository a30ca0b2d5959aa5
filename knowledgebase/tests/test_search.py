from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from helpdesk.tests.factories import AgentFactory, CustomerFactory
from knowledgebase.models import ArticleStatus, Kind, Visibility
from knowledgebase.services.articles import publish_article, unpublish_article
from search.models import SearchDocument, Synonym
from search.selectors import search, suggest
from search.services import index_document, remove_document

from .factories import NOW, article

pytestmark = pytest.mark.django_db
ANON = AnonymousUser()


def titles(query, user=ANON, **kwargs):
    kwargs.setdefault("now", NOW)
    return [hit.title for hit in search(query=query, user=user, **kwargs).hits]


@pytest.fixture
def corpus():
    return {
        "subject": article(title="凭证生成失败：科目不存在", body_md="生成收款凭证时提示科目 1122 不存在。"),
        "posting": article(title="过账后如何反过账", body_md="在总账中取消过账即可。", tags=["过账"]),
        "u8": article(title="U8 收款单无法生成凭证", body_md="用友 U8 V13 需要先启用应收模块。"),
        "k3": article(title="K3Cloud 凭证字设置", body_md="金蝶 K3 Cloud 中设置凭证字为“收”。"),
        "reversal": article(title="红字冲销的操作步骤", body_md="对已过账的收款凭证做红字冲销。"),
        "english": article(
            title="Voucher posting checklist", body_md="Check the account mapping before posting."
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("凭证", "凭证生成失败：科目不存在"),
        ("过账", "过账后如何反过账"),
        ("凭证生成失败", "凭证生成失败：科目不存在"),
        ("科目不存在", "凭证生成失败：科目不存在"),
        ("U8", "U8 收款单无法生成凭证"),
        ("u8 凭证", "U8 收款单无法生成凭证"),
        ("K3", "K3Cloud 凭证字设置"),
        ("K3 凭证字", "K3Cloud 凭证字设置"),
        ("voucher posting", "Voucher posting checklist"),
        ("Voucher", "Voucher posting checklist"),
    ],
)
def test_chinese_latin_and_mixed_queries_find_the_article(corpus, query, expected):
    assert expected in titles(query)


def test_two_character_word_matches_only_articles_containing_it_or_its_english_word(corpus):
    found = titles("过账")
    assert set(found[:2]) == {"过账后如何反过账", "红字冲销的操作步骤"}
    # The bilingual vocabulary (posting 过账) finds the English article, after the Chinese ones.
    assert found[2:] == ["Voucher posting checklist"]


def test_a_phrase_must_be_contiguous_not_just_its_characters(corpus):
    # 证生 occurs in 凭证生成 only; 生证 occurs nowhere even though both characters do.
    assert titles("生证") == []


def test_a_query_is_matched_by_relevance_not_by_every_word_occurring(corpus):
    # Neither article mentions both systems; each answers half the question.
    assert set(titles("U8 金蝶")) == {"U8 收款单无法生成凭证", "K3Cloud 凭证字设置"}
    # The one that covers more of the question comes first.
    assert titles("U8 收款单 凭证 应收")[0] == "U8 收款单无法生成凭证"


def test_a_long_question_finds_the_article_that_answers_it(corpus):
    assert titles("为什么用友U8的收款单无法生成凭证呢？")[0] == "U8 收款单无法生成凭证"
    assert titles("请问金蝶里凭证字怎么设置成收")[0] == "K3Cloud 凭证字设置"


def test_title_match_ranks_above_body_match(corpus):
    article(title="关于收款模块", body_md="这里提到了反过账的一些背景。")
    assert titles("反过账")[0] == "过账后如何反过账"


def test_synonyms_find_the_other_spelling(corpus):
    article(title="银行日记账的导出方法", body_md="在报表中导出。")
    assert titles("流水") == []
    Synonym.objects.create(terms="流水, 银行日记账")
    assert titles("流水") == ["银行日记账的导出方法"]


def test_the_built_in_synonyms_are_seeded_and_editable(corpus):
    # 红冲 ↔ 红字冲销 comes with the product (search migration 0003) …
    assert titles("红冲")[0] == "红字冲销的操作步骤"
    # … and an editor who removes the group removes the match.
    for group in Synonym.objects.filter(terms__contains="红冲"):
        group.delete()
    assert titles("红冲") == []


def test_single_character_query_falls_back_to_substring_match(corpus):
    found = titles("账")
    assert set(found) == {"过账后如何反过账", "红字冲销的操作步骤"}
    assert found[0] == "过账后如何反过账"  # title hit first


def test_results_respect_visibility():
    article(title="公开的凭证说明", visibility=Visibility.PUBLIC)
    article(title="客户可见的凭证说明", visibility=Visibility.CUSTOMERS)
    article(title="内部凭证排查手册", visibility=Visibility.AGENTS)
    assert titles("凭证说明") == ["公开的凭证说明"]
    assert set(titles("凭证", user=CustomerFactory())) == {"公开的凭证说明", "客户可见的凭证说明"}
    assert len(titles("凭证", user=AgentFactory())) == 3


def test_single_character_fallback_respects_visibility():
    article(title="内部账务手册", visibility=Visibility.AGENTS)
    assert titles("账") == []
    assert titles("账", user=AgentFactory()) == ["内部账务手册"]


def test_drafts_and_scheduled_articles_are_not_found_until_published():
    draft = article(title="草稿凭证", status=ArticleStatus.DRAFT)
    scheduled = article(title="定时发布的凭证", published_at=NOW + timedelta(days=1))
    assert titles("凭证") == []
    publish_article(article=draft, now=NOW)
    assert titles("凭证") == ["草稿凭证"]
    assert "定时发布的凭证" in [
        h.title for h in search(query="凭证", user=ANON, now=scheduled.published_at).hits
    ]


def test_unpublishing_removes_the_article_from_results(corpus):
    unpublish_article(article=corpus["u8"], now=NOW)
    assert titles("U8") == []
    assert not SearchDocument.objects.filter(object_id=str(corpus["u8"].pk)).exists()


def test_kind_filter_limits_results():
    article(title="凭证常见问题", kind=Kind.FAQ)
    article(title="凭证操作手册", kind=Kind.ARTICLE)
    assert titles("凭证", kinds=[Kind.FAQ]) == ["凭证常见问题"]


def test_snippet_marks_the_match_and_escapes_html():
    article(title="错误提示", body_md="页面显示 <b>粗体</b> 之后出现凭证生成失败的提示。")
    hit = search(query="凭证生成", user=ANON, now=NOW).hits[0]
    assert "<mark>凭证生成</mark>" in hit.snippet
    assert "<b>" not in hit.snippet


def test_any_app_can_index_and_remove_its_own_documents():
    index_document(
        doc_type="forum.topic",
        object_id=7,
        title="U8 过账报错求助",
        url="/community/t/7/",
        kind="topic",
        kind_label="Forum topic",
        visibility=Visibility.PUBLIC,
        body="已解决：重新同步科目即可。",
        now=NOW,
    )
    hit = search(query="过账报错", user=ANON, now=NOW).hits[0]
    assert (hit.url, hit.kind, hit.kind_label) == ("/community/t/7/", "topic", "Forum topic")
    index_document(
        doc_type="forum.topic",
        object_id=7,
        title="U8 结转报错求助",
        url="/community/t/7/",
        kind="topic",
        kind_label="Forum topic",
        visibility=Visibility.PUBLIC,
        now=NOW,
    )
    assert titles("过账") == []
    assert titles("结转报错") == ["U8 结转报错求助"]
    remove_document(doc_type="forum.topic", object_id=7)
    assert titles("结转报错") == []


def test_total_counts_beyond_the_page(corpus):
    for i in range(5):
        article(title=f"凭证问题 {i}")
    results = search(query="凭证", user=ANON, limit=2, now=NOW)
    assert len(results.hits) == 2
    assert results.total == 10  # the English "Voucher posting checklist" too (voucher 凭证)


def test_offset_pages_through_results_without_overlap(corpus):
    first = titles("凭证", limit=2)
    second = titles("凭证", limit=2, offset=2)
    assert first and second and not set(first) & set(second)


@pytest.mark.parametrize(
    "query", ["", "   ", "!!!", "“”", "AND OR NOT", '"', "*", '凭证" OR "x', "NEAR(凭证"]
)
def test_odd_queries_never_raise(corpus, query):
    search(query=query, user=ANON, now=NOW)


def suggested(query, user=ANON, **kwargs):
    return [hit.title for hit in suggest(query=query, user=user, now=NOW, **kwargs).hits]


def test_a_typed_sentence_finds_articles_sharing_its_words(corpus):
    # The sentence appears in no article verbatim; the page and the suggestions both find
    # the articles that cover most of its words.
    assert set(titles("收款单生成凭证失败")[:2]) == {"凭证生成失败：科目不存在", "U8 收款单无法生成凭证"}
    found = suggested("收款单生成凭证失败")
    assert found[0] in {"凭证生成失败：科目不存在", "U8 收款单无法生成凭证"}
    assert set(found) >= {"凭证生成失败：科目不存在", "U8 收款单无法生成凭证"}
    assert "Voucher posting checklist" not in found


def test_suggestions_put_exact_matches_first_and_ignore_weak_overlaps(corpus):
    found = suggested("红字冲销")
    assert found[0] == "红字冲销的操作步骤"
    # One shared chunk out of many is not a suggestion.
    assert suggested("科目余额表打印格式设置") == []


def test_suggestions_respect_visibility(corpus):
    article(title="内部：凭证生成失败排查手册", body_md="仅客服可见", visibility=Visibility.AGENTS)
    assert "内部：凭证生成失败排查手册" not in suggested("凭证生成失败排查")
    assert "内部：凭证生成失败排查手册" in suggested("凭证生成失败排查", user=AgentFactory())


# --- the search page, the suggestion endpoint, the wizard, the analytics page -------------


def test_the_search_page_answers_a_question_and_marks_whole_words(client, corpus):
    response = client.get("/search/", {"q": "为什么U8的收款单生成不了凭证"})
    assert response.context["results"].hits[0].title == "U8 收款单无法生成凭证"
    html = response.content.decode()
    assert (
        "<mark>U8</mark> <mark>收款单</mark>无法<mark>生成凭证</mark>" in html
        and "<mark>收</mark>" not in html
    )


def test_nothing_found_offers_the_ticket_form_with_the_words_as_its_summary(client, corpus):
    html = client.get("/search/", {"q": "打印机卡纸了"}).content.decode()
    assert "Nothing found for" in html
    assert "/submit/?q=%E6%89%93%E5%8D%B0%E6%9C%BA%E5%8D%A1%E7%BA%B8%E4%BA%86" in html


def test_a_misspelt_word_gets_a_did_you_mean_link(client, corpus):
    html = client.get("/search/", {"q": "Vouchr"}).content.decode()
    assert 'class="kb-did-you-mean">voucher</a>' in html


@pytest.mark.parametrize("q", ["", "\u3000", "%", "<script>", "凭" * 250, "ERR-", "'\""])
@pytest.mark.parametrize("extra", [{}, {"kind": "faq"}, {"page": "2"}, {"kind": "nope"}, {"page": "x"}])
def test_odd_input_on_the_page_and_the_endpoint_never_fails(client, corpus, q, extra):
    assert client.get("/search/", {"q": q, **extra}).status_code == 200
    assert client.get("/kb/suggest/", {"q": q, **extra}).status_code == 200


def test_the_endpoint_favours_the_customers_erp_system(client):
    from helpdesk.tests.factories import OrganizationFactory

    article(title="金蝶：附件上传到附件管理", body_md="上传凭证附件。", tags=["金蝶"])
    article(title="用友 U8：附件上传到凭证", body_md="上传凭证附件。", tags=["用友"])
    for erp, expected in (("yonyou", "用友"), ("kingdee", "金蝶")):
        client.force_login(CustomerFactory(organization=OrganizationFactory(default_erp_system=erp)))
        assert (
            client.get("/kb/suggest/", {"q": "凭证附件上传"})
            .json()["results"][0]["title"]
            .startswith(expected)
        )


def test_analytics_lists_failed_searches_with_one_click_fixes(client, corpus):
    from django.urls import reverse

    from knowledgebase.services.search_log import flush, log_search

    log_search(query="打印机卡纸了", results=0, user=None)
    flush()
    client.force_login(AgentFactory(is_superuser=True))
    html = client.get(reverse("admin:knowledgebase_searchquery_changelist")).content.decode()
    assert "打印机卡纸了" in html
    assert reverse("admin:search_synonym_add") + "?terms=%E6%89%93" in html
    assert reverse("admin:knowledgebase_article_add") + "?title=%E6%89%93" in html
    add = client.get(reverse("admin:search_synonym_add"), {"terms": "打印机卡纸了, "}).content.decode()
    assert "打印机卡纸了, " in add


def test_the_search_page_offers_forum_topics_as_a_kind(client):
    response = client.get("/search/", {"q": "红冲", "kind": "topic"})
    assert response.status_code == 200
    assert ("topic", "Forum topic") in [(k, str(label)) for k, label in response.context["kinds"]]
    assert response.context["kind"] == "topic"
