"""Ranking-quality metrics for the judged query set (the set itself is checked against the demo
knowledge base in knowledgebase/tests/test_search_quality.py, which may read that room)."""

from collections import Counter

import pytest

from search import evaluation


def test_metrics():
    relevant = {"a": 3, "b": 2, "c": 1}
    assert evaluation.ndcg(["a", "b", "c"], relevant) == pytest.approx(1.0)
    assert evaluation.ndcg(["x", "a"], relevant) < evaluation.ndcg(["a", "x"], relevant)
    assert evaluation.ndcg([], relevant) == 0.0
    assert evaluation.reciprocal_rank(["x", "c", "b"], relevant) == pytest.approx(1 / 3)
    assert evaluation.reciprocal_rank(["c"], relevant) == 0.0  # merely related is not an answer


def test_evaluate_averages_per_kind_and_overall():
    judged = [
        evaluation.Judged(kind="word", query="a", relevant={"a": 3}),
        evaluation.Judged(kind="code", query="b", relevant={"b": 3}),
    ]
    scores = evaluation.evaluate(lambda item: [item.query] if item.kind == "word" else [], judged)
    assert (scores["word"].ndcg5, scores["code"].ndcg5, scores["all"].ndcg5) == (1.0, 0.0, 0.5)
    assert scores["code"].empty == 1 and scores["all"].queries == 2


def test_the_judged_set_has_sixty_queries_or_more_of_every_kind():
    judged = evaluation.load()
    counts = Counter(item.kind for item in judged)
    assert len(judged) >= 60 and set(counts) == set(evaluation.kinds()) and min(counts.values()) >= 8
