"""search.scoring on hand-made candidates and corpus statistics: no database, exact ties."""

from search.query import parse
from search.scoring import Candidate, Corpus, score_candidates


def order(query: str, candidates: list[Candidate], df: dict[str, int]) -> list[int]:
    return [s.pk for s in score_candidates(parse(query), candidates, Corpus(documents=100, df=df))]


def test_a_question_about_a_cause_is_not_answered_by_an_articles_headings():
    # 原因 heads the sections of troubleshooting articles (现象 / 原因 / 解决): as rare as
    # 服务器 here, it still narrows "是什么原因" less than the thing asked about.
    headings = Candidate(
        pk=1, title="同步超时", title_norm="同步 超时", tags_norm="", body_norm="原因 接口 超过"
    )
    server = Candidate(
        pk=2, title="提示不可用", title_norm="提示 不可 用", tags_norm="", body_norm="检查 地址 服务器"
    )
    assert order("服务器是什么原因", [headings, server], {"服务器": 5, "原因": 5}) == [2, 1]


def test_a_chinese_article_quoting_an_english_message_in_its_title_is_not_the_other_language():
    quoted = Candidate(
        pk=1,
        title="Posting period is not open",
        title_norm="posting period not open",
        tags_norm="",
        body_norm="财务 事务 码 中 打开 对应 过账 期间 后 重试",
    )
    english = Candidate(
        pk=2,
        title="Posting period is not open",
        title_norm="posting period not open",
        tags_norm="",
        body_norm="open the posting period then retry 过账 期间",
    )
    chinese = Candidate(
        pk=3, title="过账说明", title_norm="过账 说明", tags_norm="", body_norm="打开 对应 过账 期间 后 重试"
    )
    scores = {
        s.pk: s.score
        for s in score_candidates(
            parse("过账期间"), [quoted, english, chinese], Corpus(documents=100, df={"过账": 5, "期间": 5})
        )
    }
    assert scores[2] < scores[1]  # the same title, but only the English article is in the other language


def test_a_document_missing_only_a_light_word_covers_nearly_all_of_the_question():
    rule = Candidate(pk=1, title="凭证规则：科目", title_norm="凭证规则 科目", tags_norm="", body_norm="")
    (scored,) = score_candidates(
        parse("凭证规则科目设置"), [rule], Corpus(documents=100, df={"凭证规则": 10, "科目": 10, "设置": 10})
    )
    assert scored.coverage > 0.85


def test_the_query_as_a_phrase_ranks_above_its_words_repeated_apart():
    df = {"手续费": 5, "金额": 5, "来源": 5}
    phrase = Candidate(
        pk=1, title="借贷不平", title_norm="借贷 不平", tags_norm="", body_norm="检查 手续费 金额 来源"
    )
    scattered = Candidate(
        pk=2,
        title="手续费说明",
        title_norm="手续费 说明",
        tags_norm="",
        body_norm="手续费 单独 一行 分录 金额 选 收款单 字段 其他 说明 来源",
    )
    assert order("手续费金额来源", [scattered, phrase], df) == [1, 2]
