"""Measuring ranking quality on a judged query set: nDCG@k and MRR@k. Pure Python, no Django.

The judged set (benchmarks/search_judgements.json) grades documents 0–3 for each query;
`evaluate` runs any ranking function over it and averages per query kind, so the search
page, the suggestions and a baseline can be compared on the same questions.
"""

import json
import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

JUDGEMENTS = Path(__file__).resolve().parent.parent / "benchmarks" / "search_judgements.json"
# MRR counts the first result that answers or nearly answers (grade 2 or 3), not one merely related.
MRR_GRADE = 2


@dataclass(frozen=True)
class Judged:
    kind: str
    query: str
    relevant: Mapping[str, int]
    erp_system: str | None = None
    # The round in which the query was added (None: the first rounds), to report new queries apart.
    batch: str | None = None


def load(path: Path = JUDGEMENTS) -> list[Judged]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        Judged(
            kind=q["kind"],
            query=q["query"],
            relevant=q["relevant"],
            erp_system=q.get("erp_system"),
            batch=q.get("batch"),
        )
        for q in data["queries"]
    ]


def kinds(path: Path = JUDGEMENTS) -> dict[str, str]:
    return json.loads(path.read_text(encoding="utf-8"))["kinds"]


def ndcg(ranked: Sequence[str], relevant: Mapping[str, int], k: int = 5) -> float:
    dcg = sum((2 ** relevant.get(key, 0) - 1) / math.log2(i + 2) for i, key in enumerate(ranked[:k]))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    best = sum((2**grade - 1) / math.log2(i + 2) for i, grade in enumerate(ideal))
    return dcg / best if best else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: Mapping[str, int], k: int = 10) -> float:
    for i, key in enumerate(ranked[:k]):
        if relevant.get(key, 0) >= MRR_GRADE:
            return 1 / (i + 1)
    return 0.0


@dataclass
class Scores:
    ndcg5: float = 0.0
    mrr10: float = 0.0
    empty: int = 0
    queries: int = 0


def evaluate(run: Callable[[Judged], Sequence[str]], judged: Sequence[Judged]) -> dict[str, Scores]:
    """Mean nDCG@5 and MRR@10 per query kind and over "all"; `run` returns ranked keys."""
    sums: dict[str, Scores] = defaultdict(Scores)
    for item in judged:
        ranked = list(run(item))
        for bucket in (item.kind, "all"):
            scores = sums[bucket]
            scores.ndcg5 += ndcg(ranked, item.relevant)
            scores.mrr10 += reciprocal_rank(ranked, item.relevant)
            scores.empty += not ranked
            scores.queries += 1
    for scores in sums.values():
        scores.ndcg5 /= scores.queries
        scores.mrr10 /= scores.queries
    return dict(sums)
