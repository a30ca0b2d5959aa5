"""A typed query → the terms it is ranked by, with synonym groups applied. Pure Python, no Django.

A query is a list of terms. Each term is one thing the person asked for (a word, an error
code, a phrase an editor put in a synonym group) and carries the alternatives that satisfy
it, each with a weight: the word itself 1.0, its dictionary sub-words 0.6 (收款 of 收款单),
the other members of its synonym group 0.5, or 0.9 when the typed word occurs nowhere in the
index (卡住 → 超时, 无响应). A document is scored on
the best alternative of each term, so a synonym never counts twice, and the share of the
terms it satisfies (coverage) is what lets a long question find its answer without every
word having to occur.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .tokenize import (
    SUBWORD_WEIGHT,
    Alternative,
    Term,
    cjk_alternatives,
    clean,
    is_cjk,
    phrase_tokens,
    pieces,
    word_terms,
)

MAX_QUERY_CHARS = 200
MAX_TERMS = 12
# A synonym counts this much when the typed word itself occurs in the index; when it does not
# (卡住了 is how customers talk, not how articles are written) see scoring.UNKNOWN_SYNONYM.
SYNONYM_WEIGHT = 0.5


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    terms: tuple[Term, ...]
    # What the snippets mark: the words as they appear in text (凭证, 超时, ERR-4090 …).
    needles: frozenset[str] = field(default_factory=frozenset)

    @property
    def tokens(self) -> set[str]:
        return {t for term in self.terms for a in term.alternatives for t in a.tokens}

    @property
    def single_characters_only(self) -> bool:
        """Only lone CJK characters: no word to match, the caller falls back to a substring scan."""
        return bool(self.terms) and all(
            len(a.tokens) == 1 and len(a.tokens[0]) == 1 and is_cjk(a.tokens[0])
            for term in self.terms
            for a in term.alternatives
        )


def _occurrences(text: str, groups: Sequence[Sequence[str]]) -> list[tuple[int, int, int, str]]:
    """Non-overlapping (start, end, group, term) for synonym terms found in `text`, longest first.

    A CJK term counts only where it starts and ends on the segmenter's word boundaries: 凭证
    (voucher) is in 凭证规则科目设置 as characters, not as a word, and taking it out would
    cut 凭证规则 in two.
    """
    boundaries = {0, len(text)}
    for piece in pieces(text):
        boundaries.update((piece.start, piece.end))
    found = []
    for number, group in enumerate(groups):
        for term in group:
            term = clean(term).strip()
            if not term:
                continue
            if term not in text:
                continue
            if any(is_cjk(c) for c in term):
                pattern = re.escape(term)
            else:  # Latin terms match whole words only: "nc" is not in "sync"
                pattern = rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9])"
            for match in re.finditer(pattern, text):
                if is_cjk(term[0]) and not {match.start(), match.end()} <= boundaries:
                    continue
                found.append((match.start(), match.end(), number, term))
    found.sort(key=lambda o: (-(o[1] - o[0]), o[0]))
    chosen: list[tuple[int, int, int, str]] = []
    for occurrence in found:
        if all(occurrence[1] <= c[0] or occurrence[0] >= c[1] for c in chosen):
            chosen.append(occurrence)
    return sorted(chosen)


def _synonym_term(typed: str, group: Sequence[str]) -> Term | None:
    alternatives: dict[tuple[str, ...], Alternative] = {}

    def add(alternative: Alternative) -> None:
        tokens = alternative.tokens
        if tokens and (tokens not in alternatives or alternatives[tokens].weight < alternative.weight):
            alternatives[tokens] = alternative

    own = phrase_tokens(typed)
    if len(own) == 1 and is_cjk(own[0][0]) and len(own[0]) > 2:
        for alternative in cjk_alternatives(own[0]):
            add(alternative)
    add(Alternative(own, 1.0))
    # A typed phrase of several Chinese words (取消结账 → 取消 结账) keeps its words as parts,
    # as a long word keeps its sub-words: an article that says 结账 beside the group's 反结账
    # answers it better than one that has neither.
    if len(own) > 1:
        for word in own:
            if len(word) > 1 and is_cjk(word[0]):
                add(Alternative((word,), SUBWORD_WEIGHT))
    for other in group:
        add(Alternative(phrase_tokens(other), SYNONYM_WEIGHT, synonym=True))
    if not alternatives:
        return None
    ordered = sorted(alternatives.values(), key=lambda a: -a.weight)
    return Term(typed, tuple(ordered))


def _needles(terms: Sequence[Term]) -> frozenset[str]:
    out = set()
    for term in terms:
        for alternative in term.alternatives:
            if all(is_cjk(t[0]) for t in alternative.tokens):
                surface = "".join(alternative.tokens)
                if len(surface) > 1:
                    out.add(surface)
            else:
                out.update(t for t in alternative.tokens if len(t) > 1)
    return frozenset(out)


def parse(query: str, *, synonyms: Sequence[Sequence[str]] = (), prefix_last: bool = False) -> ParsedQuery:
    """The terms of `query`: words and codes, with synonym groups folded into one term each."""
    text = clean(query).strip()[:MAX_QUERY_CHARS]
    terms: list[Term] = []
    position = 0
    occurrences = _occurrences(text, synonyms)
    for start, end, group, typed in occurrences:
        terms.extend(word_terms(text[position:start]))
        if (term := _synonym_term(typed, synonyms[group])) is not None:
            terms.append(term)
        position = end
    terms.extend(word_terms(text[position:], prefix_last=prefix_last))
    unique: dict[tuple, Term] = {}
    for term in terms:
        unique.setdefault(tuple(a.tokens for a in term.alternatives), term)
    kept = tuple(unique.values())[:MAX_TERMS]
    return ParsedQuery(text=text, terms=kept, needles=_needles(kept))
