from search.query import parse
from search.vocabulary import EVERYDAY_SYNONYMS

GROUPS = [["卡住", "一直转圈", "超时", "无响应"], ["nc", "nc cloud"], ["红冲", "红字冲销"]]


def terms(query: str, groups=GROUPS):
    return [
        (t.text, {a.tokens: a.weight for a in t.alternatives}) for t in parse(query, synonyms=groups).terms
    ]


def test_a_synonym_group_is_one_term_whose_members_satisfy_it():
    (sync, stuck) = terms("同步卡住了")
    assert sync[0] == "同步"
    assert stuck[0] == "卡住"
    assert stuck[1][("卡住",)] == 1.0 and ("超时",) in stuck[1] and ("一直", "转圈") in stuck[1]
    assert stuck[1][("超时",)] < 1.0


def test_the_longest_synonym_found_wins():
    (term,) = terms("红字冲销")
    assert term[0] == "红字冲销" and ("红冲",) in term[1]


def test_latin_synonyms_match_whole_words_only():
    assert all(text != "nc" for text, _ in terms("sync 失败"))
    assert any(text == "nc" for text, _ in terms("NC 凭证"))


def test_the_built_in_vocabulary_maps_everyday_phrasing_to_product_words():
    groups = [[t.strip() for t in g.split(",")] for g in EVERYDAY_SYNONYMS]
    expected = {
        "同步卡住了": "超时",
        "一直转圈": "无响应",
        "数字不见了": "缺失",
        "生成凭证报红": "报错",
        "插件进不去": "无法登录",
        "插件连不上服务器": "无法连接",
    }
    for query, word in expected.items():
        alternatives = {t for _, alts in terms(query, groups) for tokens in alts for t in tokens}
        assert word in alternatives, query


def test_queries_are_cut_to_a_bounded_number_of_terms():
    assert len(parse("凭证 " * 100 + " ".join(f"w{i}" for i in range(50))).terms) <= 12


def test_a_synonym_counts_only_on_word_boundaries_and_never_cuts_a_longer_word():
    terms = [t.text for t in parse("凭证规则科目设置", synonyms=[["voucher", "凭证"]]).terms]
    assert terms == ["凭证规则", "科目", "设置"]
    # standing as a word of its own, it is expanded
    expanded = parse("凭证 科目", synonyms=[["voucher", "凭证"]]).terms[0]
    assert ("voucher",) in [a.tokens for a in expanded.alternatives]


def test_a_synonym_typed_as_several_words_keeps_each_word_as_a_part():
    (term,) = terms("取消结账", [["取消结账", "反结账"]])
    assert term[1][("取消", "结账")] == 1.0 and term[1][("反结账",)] < 1.0
    assert term[1][("结账",)] == term[1][("取消",)] < term[1][("反结账",)] + 0.5
