from hypothesis import given, settings
from hypothesis import strategies as st

from search.query import parse
from search.tokenize import clean, index_tokens, normalise_for_index, word_terms


def words_of(query: str) -> list[str]:
    return [t.alternatives[0].tokens[0] for t in word_terms(clean(query))]


def test_chinese_is_cut_into_words_with_their_dictionary_sub_words():
    assert normalise_for_index("收款单生成凭证失败") == "收款 收款单 生成 凭证 失败"
    assert "红字冲销" in index_tokens("红字冲销已过账凭证") and "冲销" in index_tokens("红字冲销已过账凭证")


def test_question_words_and_particles_are_dropped_on_both_sides():
    assert words_of("为什么凭证日期和收款日期不一样？") == ["凭证日期", "收款日期", "不", "一样"]
    assert "为什么" not in index_tokens("为什么要审核") and "的" not in index_tokens("凭证的附件")
    assert words_of("如何修改凭证摘要") == ["修改", "凭证", "摘要"]


def test_latin_and_number_tokens_stay_whole_and_lowercase():
    assert normalise_for_index("U8 与 K3 Cloud") == "u8 k3 cloud"  # 与 is a particle


def test_full_width_characters_are_folded():
    assert normalise_for_index("Ｕ８ 凭证，过账！") == "u8 凭证 过账"


def test_error_codes_are_one_token_however_they_are_typed():
    for typed in ["ERR-4090", "err4090", "ERR 4090", "Err_4090", "ERR：4090"]:
        assert "err4090" in index_tokens(f"提示 {typed} 同步超时"), typed
        assert words_of(typed)[0] == "err4090", typed
    assert words_of("ORA-01017") == ["ora01017"]


def test_a_word_before_a_number_is_not_taken_for_a_code():
    assert "period012" not in index_tokens("Posting period 012 2025 is not open")


def test_versions_and_identifiers_stay_whole():
    assert "3.2.1" in index_tokens("插件 3.2.1 更新说明")
    assert "bapi_acc_document_post" in index_tokens("BAPI_ACC_DOCUMENT_POST 返回错误")
    assert {"13.0", "v13"} <= set(index_tokens("U8 V13.0"))
    assert {"k3cloud", "k3", "cloud"} <= set(index_tokens("K3Cloud"))


def test_english_plurals_fold_to_the_singular():
    assert normalise_for_index("Vouchers entries processes status") == "voucher entry process status"


def test_characters_the_dictionary_does_not_know_are_paired():
    # 翀 and 犇 form no dictionary word: each stays, and the pair is a token too.
    assert {"翀", "犇", "翀犇"} <= set(index_tokens("翀犇"))


def test_overlong_tokens_are_dropped():
    assert normalise_for_index("a" * 65 + " 凭证") == "凭证"


def test_a_question_of_particles_only_has_no_terms():
    assert parse("怎么办？").terms == ()


DOMAIN = st.sampled_from(
    [
        "凭证",
        "收款单",
        "生成",
        "失败",
        "科目",
        "不存在",
        "红字冲销",
        "过账",
        "附件",
        "上传",
        "超时",
        "同步",
        "怎么",
        "为什么",
        "的",
        "了",
        "ERR-4090",
        "U8",
        "金蝶",
        "云星空",
        "期间",
        "结账",
        "摘要",
        "辅助核算",
        "银企直连",
        "回单",
        "3.2.1",
        "voucher",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(DOMAIN, min_size=1, max_size=8), st.sampled_from(["", " ", "，"]))
def test_a_query_always_matches_the_same_text_indexed(words, glue):
    """Index mode and query mode agree: every term of a text is satisfied by that text."""
    text = glue.join(words)
    stored = set(index_tokens(text))
    for term in parse(text).terms:
        assert any(set(a.tokens) <= stored for a in term.alternatives), (text, term)


def test_the_plugins_task_status_stays_one_word():
    assert "处理中" in index_tokens("凭证一直处于“处理中”") and words_of("一直显示处理中")[-1] == "处理中"
