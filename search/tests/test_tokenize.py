from hypothesis import given
from hypothesis import strategies as st

from search.tokenize import normalise_for_index, normalise_query, phrase_text


def test_cjk_runs_become_overlapping_two_character_chunks():
    assert normalise_for_index("凭证生成失败") == "凭证 证生 生成 成失 失败"


def test_latin_and_number_tokens_stay_whole_and_lowercase():
    assert normalise_for_index("U8 与 K3 Cloud") == "u8 与 k3 cloud"


def test_mixed_latin_and_chinese_split_at_script_boundaries():
    assert normalise_for_index("K3凭证") == "k3 凭证"


def test_full_width_characters_are_folded():
    assert normalise_for_index("Ｕ８ 凭证，过账！") == "u8 凭证 过账"


def test_punctuation_separates_runs():
    assert normalise_for_index("科目：1122") == "科目 1122"


def test_query_keeps_each_run_as_a_phrase():
    assert normalise_query("U8 凭证生成") == (("u8",), ("凭证", "证生", "生成"))


def test_single_character_query_yields_a_single_character_phrase():
    assert normalise_query("账") == (("账",),)


def test_overlong_tokens_are_dropped():
    assert normalise_for_index("a" * 65 + " 凭证") == "凭证"


def test_phrase_text_rebuilds_the_original_substring():
    assert phrase_text(("凭证", "证生", "生成")) == "凭证生成"
    assert phrase_text(("u8",)) == "u8"


@given(st.text(alphabet="凭证生成失败科目过账红冲", min_size=2, max_size=12))
def test_every_substring_of_two_or_more_characters_is_a_contiguous_run_of_index_tokens(text):
    index = normalise_for_index(text).split()
    for start in range(len(text) - 1):
        for end in range(start + 2, len(text) + 1):
            (phrase,) = normalise_query(text[start:end])
            n = len(phrase)
            assert any(tuple(index[i : i + n]) == phrase for i in range(len(index) - n + 1))
