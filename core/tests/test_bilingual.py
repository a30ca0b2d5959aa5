import pytest

from core.bilingual import split_bilingual


@pytest.mark.parametrize(
    ("text", "chinese", "english"),
    [
        ("凭证生成失败 Voucher generation fails", "凭证生成失败", "Voucher generation fails"),
        ("Advanced 高级", "高级", "Advanced"),
        ("金蝶对接组 Kingdee", "金蝶对接组", "Kingdee"),
        ("ERP 深度对接 Deep ERP integration", "ERP 深度对接", "Deep ERP integration"),
        ("中国工作日全天 · Working days, all day", "中国工作日全天", "Working days, all day"),
        (
            "插件版本发布、维护通知与重要变更。Releases, maintenance windows and changes.",
            "插件版本发布、维护通知与重要变更。",
            "Releases, maintenance windows and changes.",
        ),
        (
            "首次响应：1 小时内，7×24 小时全天候。\nFirst response within 1 hour, around the clock.",
            "首次响应：1 小时内，7×24 小时全天候。",
            "First response within 1 hour, around the clock.",
        ),
    ],
)
def test_a_bilingual_name_splits_into_its_chinese_and_english_halves(text, chinese, english):
    assert split_bilingual(text) == (chinese, english)


def test_chinese_only_text_has_no_english_half():
    assert split_bilingual("金蝶云星空、K/3 WISE、K/3 Cloud 的收款凭证对接问题。") == (
        "金蝶云星空、K/3 WISE、K/3 Cloud 的收款凭证对接问题。",
        "",
    )


def test_english_only_text_is_both_values():
    assert split_bilingual(" SAP · Oracle (English) ") == ("SAP · Oracle (English)", "SAP · Oracle (English)")
