"""Ranking of candidate documents for a parsed query. Pure Python, no Django.

The database finds the candidates (SQLite FTS5 ordered by bm25, PostgreSQL ordered by
ts_rank_cd weighted by idf); this module gives them their final order, the same on both
databases because it reads the same stored tokens and the same corpus statistics.

relevance  BM25F over the fields: per field the term frequency is length-normalised and
           weighted (title 5 > tags 3 > body 1), summed, saturated (k1) and multiplied by
           the term's idf. A term counts with its best alternative only (the word, a sub-word,
           a synonym), times that alternative's weight.
coverage   the idf-weighted share of the query's terms the document satisfies. A long
           question is ranked by how much of it a document answers, not dropped for a
           missing particle; a rare word counts for more than a common one.
proximity  query words that stand side by side in a title or body (within a few tokens,
           either order: 凭证生成失败 and 生成凭证失败 are the same phrase) count for more
           than the same words scattered over a long text; a document that has every word
           of a query of three or more with each pair side by side has the query as a phrase
           (手续费行金额来源 in "检查手续费行的金额来源"), a step above.
boosts     exact title and error-code matches first; FAQ answers and solved topics, recent
           and often-helpful items slightly higher; the customer's ERP system favoured when
           the caller names one (the wizard), other systems' articles slightly lower.
"""

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from .query import ParsedQuery
from .tokenize import Alternative, clean, is_cjk
from .vocabulary import LIGHT_WORDS

K1 = 2.0
# (name, weight, b, typical length in tokens). Lengths are normalised against fixed typical
# lengths instead of live averages: those would cost a scan per query, or a cache that
# makes an order depend on when it was filled.
FIELDS = (("title", 5.0, 0.5, 10.0), ("tags", 3.0, 0.3, 4.0), ("body", 1.0, 0.75, 300.0))
# A field shorter than typical is not a reason to count a match more than the field's weight.
MIN_LENGTH_NORM = 0.8
MIN_COVERAGE = 0.3  # for queries of three terms or more
COVERAGE_POWER = 1.0
MIN_RESULTS = 5
RELATIVE_FLOOR = 0.03  # of the best score: the tail of one-common-word matches is noise
# A synonym of a word that occurs nowhere in the index carries the term (everyday phrasing).
UNKNOWN_SYNONYM = 0.9
LIGHT = 0.5  # a light word (设置, 问题) counts this much of its idf, in relevance and coverage
STRONG = 0.85  # alternatives that count as "the typed words" for the title boost
EXACT_TITLE = 2.0
TITLE_CONTAINS_QUERY = 1.5
TITLE_COVERAGE = 0.4
CODE_MATCH = 4.0  # in effect a tier: the error code someone typed is the surest sign
KIND_BOOST = {"faq": 1.12, "known_issue": 1.05}
SOLVED = 1.15
FRESH = 0.08  # at most +8 %, halving every FRESH_HALF_LIFE days
FRESH_HALF_LIFE = 180.0
HELPFUL = 0.08  # at most +8 %, reached at HELPFUL_SATURATION votes
HELPFUL_SATURATION = 20
ERP_MATCH = 1.3
ERP_OTHER = 0.75
# Up to +20 % when every pair of neighbouring query words stands together in the text. The
# window is in index tokens, which interleave a long word's sub-words (收款 收款单), so a
# distance of 3 is still "side by side".
# A document in the other language than the query (an English FAQ for a Chinese question,
# reached through the bilingual vocabulary) comes after the same answer in the query's own.
OTHER_LANGUAGE = 0.75
PROXIMITY = 0.2
PROXIMITY_WINDOW = 3
# A query of three words or more whose every neighbouring pair stands together in the
# document: the query as a phrase, a step beyond the pairs' proximity.
PHRASE = 1.3
PHRASE_TERMS = 3


@dataclass(frozen=True)
class Candidate:
    pk: int
    title: str
    title_norm: str
    tags_norm: str
    body_norm: str
    kind: str = ""
    solved: bool = False
    popularity: int = 0
    changed_at: datetime | None = None
    erp_systems: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Corpus:
    documents: int
    df: Mapping[str, int]

    def idf(self, alternative: Alternative) -> float:
        if alternative.prefix:
            df = max(self.df.get(alternative.tokens[0], 0), 1)
        else:
            df = min(self.df.get(t, 0) for t in alternative.tokens)
        n = max(self.documents, df, 1)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def known(self, alternative: Alternative) -> bool:
        return alternative.prefix or all(self.df.get(t, 0) > 0 for t in alternative.tokens)


@dataclass(frozen=True)
class Scored:
    pk: int
    score: float
    coverage: float
    matched_all: bool
    # How many of the query's error codes, versions and identifiers the document has: a
    # tier above the score, so the item with the code someone typed comes first.
    codes: int = 0


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", clean(text))


def _tf(counter: Counter, alternative: Alternative) -> int:
    if alternative.prefix:
        stem = alternative.tokens[0]
        return sum(n for token, n in counter.items() if token.startswith(stem))
    return min(counter[t] for t in alternative.tokens)


class _Fields:
    def __init__(self, candidate: Candidate) -> None:
        self.counters = []
        self.texts = (candidate.title_norm, candidate.tags_norm, candidate.body_norm)
        for name, weight, b, typical in FIELDS:
            tokens = getattr(candidate, f"{name}_norm").split()
            norm = max(1 - b + b * len(tokens) / typical, MIN_LENGTH_NORM)
            self.counters.append((Counter(tokens), weight / norm))

    def weighted_tf(self, alternative: Alternative) -> tuple[float, bool]:
        total, in_title = 0.0, False
        for index, (counter, factor) in enumerate(self.counters):
            tf = _tf(counter, alternative)
            if tf:
                total += tf * factor
                in_title = in_title or index == 0
        return total, in_title


@dataclass(frozen=True)
class _Option:
    alternative: Alternative
    value: float  # weight × idf
    strong: bool
    weight: float = 1.0


def _options(query: ParsedQuery, corpus: Corpus) -> list[tuple[list[_Option], float]]:
    """Per term: its alternatives with their weight × idf, and what the term counts for coverage.

    No alternative is worth more than the typed word: a rarer synonym or sub-word takes the
    typed word's idf. When the typed word occurs nowhere in the index (卡住了), its
    synonyms carry the term at nearly full weight.
    """
    out = []
    for term in query.terms:
        primary = next((a for a in term.alternatives if a.weight == 1.0 and not a.synonym), None)
        ceiling = corpus.idf(primary) if primary is not None and corpus.known(primary) else None
        light = LIGHT if term.text in LIGHT_WORDS else 1.0
        if ceiling is not None:
            ceiling *= light
        options = []
        for a in term.alternatives:
            if not corpus.known(a):
                continue
            weight = UNKNOWN_SYNONYM if a.synonym and ceiling is None else a.weight
            idf = light * corpus.idf(a) if ceiling is None else min(light * corpus.idf(a), ceiling)
            options.append(_Option(a, weight * idf, a.weight >= STRONG and not a.synonym, weight))
        weight = ceiling if ceiling is not None else max((o.value for o in options), default=0.0)
        # A light word's absence costs little: it narrows a question only a little.
        out.append((options, weight * light))
    # A word no document contains still counts against coverage, as much as an average word:
    # a document sharing one word of "科目余额表打印格式设置" does not answer it.
    known = [weight for _, weight in out if weight]
    typical = sum(known) / len(known) if known else 0.0
    return [(options, weight or typical) for options, weight in out]


def _boost(candidate: Candidate, *, now: datetime | None, erp_system: str | None) -> float:
    boost = KIND_BOOST.get(candidate.kind, 1.0)
    if candidate.solved:
        boost *= SOLVED
    if now is not None and candidate.changed_at is not None:
        age_days = max((now - candidate.changed_at).total_seconds() / 86400, 0.0)
        boost *= 1 + FRESH * 0.5 ** (age_days / FRESH_HALF_LIFE)
    if candidate.popularity > 0:
        boost *= 1 + HELPFUL * min(1.0, math.log1p(candidate.popularity) / math.log1p(HELPFUL_SATURATION))
    if erp_system and candidate.erp_systems:
        boost *= ERP_MATCH if erp_system in candidate.erp_systems else ERP_OTHER
    return boost


def _chinese(text: str) -> bool | None:
    """True for Chinese text, False for text in Latin letters only, None when there are no letters."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    return any(is_cjk(c) for c in letters)


def _chinese_document(candidate: Candidate) -> bool | None:
    """The language a document is written in: a Chinese title says Chinese; a title in Latin
    letters alone (an SAP message quoted verbatim: "Posting period 012 2025 is not open") is
    not enough to call the article English, so its body decides, by more Chinese words than
    Latin ones (an English FAQ naming 红冲 once stays English)."""
    in_title = _chinese(candidate.title)
    if in_title:
        return True
    tokens = candidate.body_norm.split()
    chinese = sum(1 for t in tokens if is_cjk(t[0]))
    if not tokens:
        return in_title
    return chinese > len(tokens) - chinese


@lru_cache(maxsize=512)
def _near_pattern(first: frozenset[str], second: frozenset[str]) -> re.Pattern:
    """A token of `first` and one of `second`, either order, at most the window apart.

    Matched on the stored token text (tokens separated by single spaces) by the regex
    engine: a scan in C per field instead of a Python loop over every token.
    """
    a = "|".join(re.escape(t) for t in sorted(first, key=len, reverse=True))
    b = "|".join(re.escape(t) for t in sorted(second, key=len, reverse=True))
    gap = rf"(?: \S+){{0,{PROXIMITY_WINDOW - 1}}} "
    return re.compile(rf"(?<!\S)(?:(?:{a}){gap}(?:{b})|(?:{b}){gap}(?:{a}))(?!\S)")


def _proximity(fields: _Fields, matched: Sequence[frozenset[str] | None]) -> float:
    """The share of neighbouring query terms (as typed) that stand together in the document.

    A pair counts only when the document has both words; a term it lacks neither helps nor
    breaks the phrase of the words around it.
    """
    present = [tokens for tokens in matched if tokens]
    pairs = list(zip(present, present[1:], strict=False))
    if not pairs:
        return 0.0
    near = 0
    for first, second in pairs:
        pattern = _near_pattern(first, second)
        near += any(pattern.search(text) for text in fields.texts if text)
    return near / (len(matched) - 1)


def score_candidates(
    query: ParsedQuery,
    candidates: Sequence[Candidate],
    corpus: Corpus,
    *,
    now: datetime | None = None,
    erp_system: str | None = None,
) -> list[Scored]:
    """Every candidate with its score, best first (ties by pk, so both databases agree)."""
    terms = _options(query, corpus)
    whole = sum(weight for _, weight in terms)
    squashed_query = _squash(query.text)
    query_chinese = _chinese(query.text)
    out = []
    for candidate in candidates:
        fields = _Fields(candidate)
        relevance = covered = title_covered = 0.0
        matched_all, code_hits = True, 0
        matched_tokens: list[frozenset[str] | None] = []
        for term, (options, weight) in zip(query.terms, terms, strict=True):
            best, in_title, credit = 0.0, False, 0.0
            found: set[str] = set()
            for option in options:
                wtf, title_hit = fields.weighted_tf(option.alternative)
                if not wtf:
                    continue
                best = max(best, option.value * wtf * (K1 + 1) / (wtf + K1))
                in_title = in_title or (title_hit and option.strong)
                # A synonym answers the term; a sub-word (收款 of 收款凭证) only in part.
                credit = max(credit, 1.0 if option.alternative.synonym else option.weight)
                if not option.alternative.prefix:
                    found.update(option.alternative.tokens)
            if not best:
                matched_all = False
                matched_tokens.append(None)
                continue
            matched_tokens.append(frozenset(found))
            relevance += best
            covered += weight * min(credit, 1.0)
            title_covered += weight if in_title else 0.0
            code_hits += term.code
        if not relevance:
            continue
        coverage = covered / whole if whole else 0.0
        score = relevance * coverage**COVERAGE_POWER
        squashed_title = _squash(candidate.title)
        if squashed_query and squashed_query == squashed_title:
            score *= EXACT_TITLE
        elif len(squashed_query) >= 3 and squashed_query in squashed_title:
            score *= TITLE_CONTAINS_QUERY
        if whole:
            score *= 1 + TITLE_COVERAGE * (title_covered / whole) ** 2
        proximity = _proximity(fields, matched_tokens)
        score *= 1 + PROXIMITY * proximity
        if proximity == 1.0 and matched_all and len(matched_tokens) >= PHRASE_TERMS:
            score *= PHRASE
        if query_chinese is not None and _chinese_document(candidate) is not query_chinese:
            score *= OTHER_LANGUAGE
        score *= CODE_MATCH**code_hits
        score *= _boost(candidate, now=now, erp_system=erp_system)
        out.append(Scored(candidate.pk, score, coverage, matched_all, code_hits))
    out.sort(key=lambda s: (-s.codes, -s.score, s.pk))
    return out


@dataclass(frozen=True)
class Strictness:
    """How much of a query a result must cover to be shown.

    `fill_to`: a long question whose rare words only its answer contains leaves every other
    document under the coverage bar; the best of those that cover at least half the bar
    still fill the list up to this many, so the answer comes with its neighbours.
    """

    min_coverage: float = MIN_COVERAGE
    fill_to: int = MIN_RESULTS


PAGE = Strictness()
# A wrong suggestion costs the person reading it: a bit more coverage, and no filling up.
SUGGESTIONS = Strictness(min_coverage=0.34, fill_to=0)


def keep(
    scored: Sequence[Scored], *, terms: int, require_all: bool = False, strictness: Strictness = PAGE
) -> list[Scored]:
    """The results worth showing: enough of the query covered, and not far below the best."""
    if require_all:
        return [s for s in scored if s.matched_all]
    if not scored:
        return []
    floor = max(s.score for s in scored) * RELATIVE_FLOOR
    minimum = strictness.min_coverage if terms >= 3 else 0.0
    above = [s for s in scored if s.score >= floor]
    kept = [s for s in above if s.coverage >= minimum]
    if len(kept) < strictness.fill_to:
        shown = {s.pk for s in kept}
        extra = [s for s in above if s.pk not in shown and s.coverage >= minimum / 2]
        kept = sorted(
            kept + extra[: strictness.fill_to - len(kept)], key=lambda s: (-s.codes, -s.score, s.pk)
        )
    return kept
