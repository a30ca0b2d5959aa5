"""Ranking order on small pinned corpora. The suite runs on SQLite and on PostgreSQL
(`make test-postgres`), and these orders are the same on both: the final order is computed
from the stored tokens by search.scoring, whichever database found the candidates."""

from datetime import timedelta

import pytest

from search.models import Synonym
from search.selectors import search, suggest

from .conftest import ANON, NOW

pytestmark = pytest.mark.django_db


def titles(query, **kwargs):
    kwargs.setdefault("now", NOW)
    return [h.title for h in search(query=query, user=ANON, **kwargs).hits]


@pytest.fixture
def support_corpus(doc):
    doc(
        "ERR-4090：同步超时，凭证一直处于“处理中”",
        "插件调用 ERP 接口超过 60 秒没有返回。分批生成后重试。",
        tags=["超时"],
    )
    doc("生成凭证时提示连接超时？", "检查插件服务器与 ERP 服务器之间的网络。", kind="faq", tags=["网络"])
    doc("同步设置说明", "在设置中可以调整同步的超时时间和批次大小。")
    doc(
        "凭证日期为什么和收款日期不一致？",
        "在凭证规则的日期来源中改为收款单日期。",
        kind="faq",
        tags=["凭证日期"],
    )
    doc("凭证规则：科目、辅助核算与摘要", "凭证规则决定每一行分录的科目、方向和摘要模板。")
    doc(
        "金蝶：凭证生成失败，提示科目不存在",
        "生成凭证时报错 ERR-4012：科目 1122 不存在。",
        tags=["金蝶", "K3"],
    )
    doc("U8 收款单无法生成凭证：应收模块未启用", "用友 U8 需要先启用应收款管理模块。", tags=["用友", "U8"])
    doc("How to attach receipt files to the voucher", "Tick Sync attachments in the voucher rule.")


PINNED = {
    # a word: in the title of two, the FAQ's shorter title first; the tag and body mentions after
    "超时": ["生成凭证时提示连接超时？", "ERR-4090：同步超时，凭证一直处于“处理中”", "同步设置说明"],
    # a sentence question: the article that answers it first, though it shares no particle
    "为什么凭证日期和收款日期不一样": ["凭证日期为什么和收款日期不一致？"],
    # everyday phrasing: 卡住了 is not in any article; the built-in vocabulary maps it to 超时
    "同步卡住了": ["ERR-4090：同步超时，凭证一直处于“处理中”", "同步设置说明", "生成凭证时提示连接超时？"],
    # error codes however typed
    "err4090": ["ERR-4090：同步超时，凭证一直处于“处理中”"],
    "ERR 4012": ["金蝶：凭证生成失败，提示科目不存在"],
    # mixed Latin and Chinese, and English plurals
    "U8 应收 凭证": ["U8 收款单无法生成凭证：应收模块未启用"],
    "vouchers attachments": ["How to attach receipt files to the voucher"],
}


@pytest.mark.parametrize(("query", "expected"), PINNED.items(), ids=list(PINNED))
def test_pinned_orders(support_corpus, query, expected):
    assert titles(query)[: len(expected)] == expected


def test_title_ranks_above_tags_above_body(doc):
    doc("插件日志说明", "这里提到了回单。")
    doc("插件使用说明", "无关内容。", tags=["回单"])
    doc("回单的下载方法", "无关内容。")
    assert titles("回单") == ["回单的下载方法", "插件使用说明", "插件日志说明"]


def test_an_exact_title_comes_first(doc):
    doc("修改凭证摘要的几种方法汇总", "如何修改凭证摘要：在凭证规则中修改摘要模板。")
    doc("如何修改凭证摘要", "在凭证规则中编辑摘要模板。")
    assert titles("如何修改凭证摘要")[0] == "如何修改凭证摘要"


def test_an_error_code_match_beats_loose_matches_of_the_other_words(doc):
    doc("凭证生成失败的常见原因", "凭证生成失败时先看日志，凭证生成失败多半是科目问题。")
    doc("ERR-5001 附件上传失败", "文件过大。")
    assert titles("ERR-5001 凭证生成失败")[0] == "ERR-5001 附件上传失败"


def test_faq_answers_and_solved_topics_rank_above_the_same_text_elsewhere(doc):
    doc("凭证借贷不平衡怎么办", "检查手续费行。", kind="topic")
    doc("凭证借贷不平衡怎么办", "检查手续费行。", kind="topic", solved=True, object_id="solved")
    doc("凭证借贷不平衡怎么办", "检查手续费行。", kind="faq")
    assert [
        h.kind + ("✓" if h.solved else "") for h in search(query="借贷不平衡", user=ANON, now=NOW).hits
    ] == [
        "topic✓",
        "faq",
        "topic",
    ]


def test_recent_and_helpful_items_rank_slightly_higher(doc):
    doc("外币汇率取值说明", "按收款日期取汇率。", changed_at=NOW - timedelta(days=700), object_id="old")
    doc("外币汇率取值说明", "按收款日期取汇率。", changed_at=NOW - timedelta(days=2), object_id="new")
    assert [h.object_id for h in search(query="汇率", user=ANON, now=NOW).hits] == ["new", "old"]
    doc("期初余额导入说明", "导入期初余额。", object_id="plain")
    doc("期初余额导入说明", "导入期初余额。", popularity=25, object_id="liked")
    assert [h.object_id for h in search(query="期初余额", user=ANON, now=NOW).hits] == ["liked", "plain"]


def test_slight_boosts_never_lift_a_loose_match_over_a_good_one(doc):
    doc("附件上传失败：文件过大", "压缩后重新上传附件。")
    doc("插件安装说明", "安装后可以上传。", kind="faq", solved=True, popularity=100, changed_at=NOW)
    assert titles("附件上传失败")[0] == "附件上传失败：文件过大"


def test_the_wizard_favours_the_customers_erp_system(doc):
    doc("金蝶：附件上传到附件管理", "通过 WebAPI 上传凭证附件。", tags=["金蝶"])
    doc("用友 U8：附件上传到凭证", "通过 U8 接口上传凭证附件。", tags=["用友"])
    doc("附件上传说明", "上传凭证附件的通用方法。")

    def first(erp):
        return suggest(query="凭证附件上传", user=ANON, now=NOW, erp_system=erp).hits[0].title

    assert first("kingdee") == "金蝶：附件上传到附件管理"
    assert first("yonyou") == "用友 U8：附件上传到凭证"
    assert [h.erp_systems for h in suggest(query="凭证附件上传", user=ANON, now=NOW).hits] != []


def test_editors_synonyms_and_everyday_phrasing_widen_the_match(doc):
    doc("凭证金额为空或缺失", "金额来源字段映射错误。")
    assert titles("数字不见了") == ["凭证金额为空或缺失"]  # 数字 → 金额, 不见了 → 缺失 (built in)
    doc("往来对账单的导出方法", "在报表中导出。")
    assert titles("客户流水单") == []
    Synonym.objects.create(terms="流水单, 往来对账单")
    assert titles("客户流水单") == ["往来对账单的导出方法"]


def test_a_word_typed_wrong_gets_a_did_you_mean(doc):
    doc("Voucher posting checklist", "Check the account mapping before posting.")
    results = search(query="vouchr checklist", user=ANON, now=NOW)
    assert [h.title for h in results.hits] == ["Voucher posting checklist"]
    nothing = search(query="vouchr", user=ANON, now=NOW)
    assert nothing.hits == [] and nothing.suggestion == "voucher"


def test_require_all_keeps_only_documents_with_every_term(doc):
    doc("凭证过账失败：期间已结账", "总账提示会计期间已结账。", kind="ticket", visibility="public")
    doc("凭证过账成功", "无。", kind="ticket", visibility="public")
    found = search(query="过账 结账", user=ANON, kinds=["ticket"], require_all=True, now=NOW)
    assert [h.title for h in found.hits] == ["凭证过账失败：期间已结账"]
    assert search(query="过账 不存在的词", user=ANON, require_all=True, now=NOW).hits == []


def test_pages_do_not_overlap_and_totals_count_the_ranked_results(doc):
    for i in range(7):
        doc(f"凭证问题 {i}", "凭证")
    first, second = (search(query="凭证", user=ANON, limit=4, offset=o, now=NOW) for o in (0, 4))
    assert len(first.hits) == 4 and len(second.hits) == 3
    assert not {h.object_id for h in first.hits} & {h.object_id for h in second.hits}
    assert first.total == 7


def test_snippets_mark_whole_words_and_codes_as_written(doc):
    doc("错误提示", "页面显示 <b>粗体</b> 之后出现 ERR-4090 同步超时的提示。")
    hit = search(query="err4090 超时", user=ANON, now=NOW).hits[0]
    assert "<mark>ERR-4090</mark>" in hit.snippet and "<mark>超时</mark>" in hit.snippet
    assert "<b>" not in hit.snippet


def test_no_did_you_mean_is_made_up_for_chinese(doc):
    doc("凭证卡在处理中", "卡住")
    assert search(query="打印机卡纸了", user=ANON, now=NOW).suggestion == ""


def test_query_words_side_by_side_rank_above_the_same_words_far_apart(doc):
    doc("附件说明", "上传附件之前请先检查网络。" + "其他内容。" * 30 + "失败后重试。")
    doc("附件说明", "附件上传失败时请先检查网络。" + "其他内容。" * 30, object_id="near")
    hits = search(query="附件上传失败", user=ANON, now=NOW).hits
    assert [h.object_id for h in hits][0] == "near"


def test_an_english_summary_finds_chinese_content_through_the_bilingual_vocabulary(doc):
    doc("凭证生成失败怎么办", "先导出日志。", kind="faq")
    doc("收款单列表说明", "列表只显示已审核的收款单。")
    assert titles("voucher broken") == ["凭证生成失败怎么办"]


def test_a_chinese_query_prefers_chinese_content_over_the_english_translation(doc):
    # 一直转圈 is in no document: the vocabulary carries it to 超时 and to timeout alike.
    doc("Sync timeout", "Retry later.")  # indexed first: it would win a tie
    doc("同步超时", "稍后重试。")
    assert titles("一直转圈") == ["同步超时", "Sync timeout"]


def test_a_document_missing_a_light_word_ranks_above_one_missing_a_topic_word(doc):
    doc("附件设置", "说明。", object_id="settings")  # indexed first: it would win a tie
    doc("附件上传", "说明。", object_id="upload")
    doc("上传和设置", "说明。")  # 上传 and 设置 equally common: only lightness tells them apart
    hits = search(query="附件上传设置", user=ANON, now=NOW).hits
    assert [h.object_id for h in hits][:2] == ["upload", "settings"]


def test_the_bilingual_vocabulary_ships_as_synonym_rows_editors_can_change():
    assert Synonym.objects.filter(terms__contains="attachment").exists()


def test_an_editors_synonym_typed_as_two_words_still_counts_its_words(doc):
    Synonym.objects.create(terms="取消结账, 反结账")
    doc("收款单是上个月的", "请先反结账再生成。", object_id="month")  # indexed first: it would win a tie
    doc("会计期间已结账", "请反结账后重试。", object_id="closed")
    assert [h.object_id for h in search(query="取消结账", user=ANON, now=NOW).hits] == ["closed", "month"]
