"""Text → index tokens, and a query → the terms it is matched by. Pure Python, no Django.

Documents and queries go through the same analysis, so what a query looks for is what an
article stores (the index-mode/query-mode mismatch is the classic failure of Chinese search):

- NFKC and lower case (Ｕ８ → u8).
- Runs of CJK characters are cut into words by jieba with the product's dictionary
  (`segmenter`). The index keeps each word and the dictionary words inside it (收款单 → 收款,
  收款单), so a query for the shorter word finds the longer one. Characters jieba leaves
  alone (unknown words such as a bank's name) are also paired into bigrams, on both sides.
- Question words and particles (如何, 怎么, 为什么, 吗, 了, 的 …) are dropped on both sides.
- Latin words stay whole, with a light plural fold (vouchers → voucher). Version numbers
  stay whole (3.2.1), identifiers too (bapi_acc_document_post, plus their parts), and error
  codes are joined the way any user may type them: err4090, ERR-4090 and ERR 4090 all give
  the token `err4090` (and `err`, `4090`).
"""

import functools
import re
import unicodedata
from dataclasses import dataclass

from . import segmenter
from .vocabulary import STOPWORDS

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_CJK_RE = re.compile(rf"[{_CJK}]")
# A Latin "word" may hold . _ / - between its parts: 3.2.1, bapi_acc, k/3, err-4090.
_RUN = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>[a-z0-9]+(?:[._/\-][a-z0-9]+)*)")
_VERSION = re.compile(r"v?(\d+(?:\.\d+)+)")
_GLUED_CODE = re.compile(r"([a-z]{2,8})(\d{3,8})")
_LETTERS = re.compile(r"[a-z]{2,8}")
# A code typed with a space (ERR 4090, KI 235) has a short prefix; "period 012" is no code.
_SPACED_PREFIX = re.compile(r"[a-z]{2,4}")
_DIGITS = re.compile(r"\d{3,8}")
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[a-z])")
# Longer "words" are base64 blobs or hashes: useless to search and too long for a tsvector lexeme.
MAX_TOKEN_LENGTH = 64
# How much a query's sub-word (收款 of 收款单) and a lone character count against the word.
SUBWORD_WEIGHT = 0.6
COMPOUND_WEIGHT = 0.85
SINGLE_WEIGHT = 0.5


def clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def is_cjk(char: str) -> bool:
    return bool(_CJK_RE.match(char))


def _fold(word: str) -> str:
    """vouchers → voucher, entries → entry, processes → process; status and class stay."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _latin(word: str) -> list[str]:
    """The tokens of one Latin compound, the joined form first."""
    if version := _VERSION.fullmatch(word):
        # V13.0 is also "V13" to whoever types it.
        major = ["v" + version.group(1).split(".")[0]] if word.startswith("v") else []
        return [version.group(1), *major]
    parts = [p for p in re.split(r"[._/\-]", word) if p]
    if len(parts) == 1:
        if code := _GLUED_CODE.fullmatch(word):
            return [word, code.group(1), code.group(2)]
        # K3Cloud is K3 and Cloud as well.
        split = [p for p in _DIGIT_LETTER.split(word) if p]
        if len(split) > 1 and any(c.isalpha() for c in split[0]):
            return [word, *(_fold(p) for p in split)]
        return [_fold(word)]
    joined = "".join(parts)
    if len(parts) == 2 and _LETTERS.fullmatch(parts[0]) and _DIGITS.fullmatch(parts[1]):
        return [joined, *parts]  # err-4090, err_4090
    if "_" in word:
        return [word, *parts]
    return [joined, *(_fold(p) for p in parts if len(p) > 1)]


def is_code(token: str) -> bool:
    """Error codes, account numbers, versions and identifiers: rare, exact, worth a lot."""
    return bool(
        _GLUED_CODE.fullmatch(token)
        or _VERSION.fullmatch(token)
        or ("_" in token and len(token) > 3)
        or (token.isdigit() and len(token) >= 3)
    )


@dataclass(frozen=True)
class Piece:
    """One unit of analysed text: a CJK word or a Latin compound, with its tokens."""

    text: str
    tokens: tuple[str, ...]
    cjk: bool
    start: int
    end: int
    joins_previous: bool = False


def pieces(text: str) -> list[Piece]:
    """The words of already-cleaned text, in order, stopwords and all."""
    out: list[Piece] = []
    previous: Piece | None = None
    for match in _RUN.finditer(text):
        run = match.group()
        if match.lastgroup == "cjk":
            position = match.start()
            for word in segmenter.words(run):
                out.append(Piece(word, (word,), True, position, position + len(word)))
                position += len(word)
            previous = None
            continue
        if len(run) > MAX_TOKEN_LENGTH:
            previous = None
            continue
        tokens = _latin(run)
        # ERR 4090: letters, one space, digits → the joined code too.
        joins = (
            previous is not None
            and _SPACED_PREFIX.fullmatch(previous.text) is not None
            and _DIGITS.fullmatch(run) is not None
            and text[previous.end : match.start()] in {" ", ":", "#"}
        )
        if joins:
            tokens = [previous.text + run, *tokens]
        kept = tuple(t for t in tokens if len(t) <= MAX_TOKEN_LENGTH)
        piece = Piece(run, kept, False, *match.span(), joins_previous=joins)
        out.append(piece)
        previous = piece
    return out


def _single_pairs(run: list[Piece]) -> list[str]:
    """Bigrams of consecutive single characters: the words the dictionary does not know."""
    return [a.text + b.text for a, b in zip(run, run[1:], strict=False)]


def index_tokens(text: str) -> list[str]:
    """Every index token of `text`, in order."""
    out: list[str] = []
    singles: list[Piece] = []
    for piece in pieces(clean(text)):
        if piece.cjk and len(piece.text) == 1 and piece.text not in STOPWORDS:
            singles.append(piece)
            out.append(piece.text)
            continue
        out.extend(_single_pairs(singles))
        singles = []
        if piece.text in STOPWORDS:
            continue
        if piece.cjk and len(piece.text) > 2:
            out.extend(segmenter.search_words(piece.text))
        else:
            out.extend(piece.tokens)
    out.extend(_single_pairs(singles))
    return out


@functools.lru_cache(maxsize=4096)
def normalise_for_index(text: str) -> str:
    """The space-separated token text stored in the index."""
    return " ".join(index_tokens(text))


@dataclass(frozen=True)
class Alternative:
    """Tokens that satisfy a query term together: one token, or the words of a phrase.

    A phrase is matched as "all its words occur", not by adjacency: the index stores a long
    word's sub-words beside it (收款 日期 收款日期), so positions cannot line phrases up.
    """

    tokens: tuple[str, ...]
    weight: float = 1.0
    prefix: bool = False
    synonym: bool = False


@dataclass(frozen=True)
class Term:
    """One thing the query asks for (a word, a code, a synonym group), and what satisfies it."""

    text: str
    alternatives: tuple[Alternative, ...]
    code: bool = False


def cjk_alternatives(word: str) -> tuple[Alternative, ...]:
    """A CJK word, then all its parts together (收款 + 凭证 for 收款凭证), then each part."""
    subwords = [w for w in segmenter.search_words(word) if w != word]
    alternatives = [Alternative((word,))]
    if sum(len(w) for w in subwords) >= len(word) and len(subwords) > 1:
        alternatives.append(Alternative(tuple(subwords), COMPOUND_WEIGHT))
    alternatives += [Alternative((w,), SUBWORD_WEIGHT) for w in subwords]
    return tuple(alternatives)


def word_terms(text: str, *, prefix_last: bool = False) -> list[Term]:
    """The query terms of cleaned `text` (no synonyms): one per word, stopwords dropped."""
    found = pieces(text)
    terms: list[Term] = []
    singles: list[Piece] = []

    def flush() -> None:
        if len(singles) == 1:
            terms.append(Term(singles[0].text, (Alternative((singles[0].text,), SINGLE_WEIGHT),)))
        else:
            for pair in _single_pairs(singles):
                terms.append(Term(pair, (Alternative((pair,)),)))
        singles.clear()

    for index, piece in enumerate(found):
        if piece.text in STOPWORDS:
            flush()
            continue
        if piece.cjk and len(piece.text) == 1:
            singles.append(piece)
            continue
        flush()
        if piece.cjk:
            terms.append(Term(piece.text, cjk_alternatives(piece.text)))
            continue
        main, *parts = piece.tokens or ("",)
        if not main:
            continue
        if piece.joins_previous and terms and terms[-1].text == found[index - 1].text:
            terms.pop()  # "err" of "ERR 4090" is part of the code, not a term of its own
        text_of = f"{found[index - 1].text} {piece.text}" if piece.joins_previous else piece.text
        last = prefix_last and index == len(found) - 1 and text.rstrip() == text and len(main) >= 2
        code = is_code(main)
        alternatives = [Alternative((main,), 1.0, prefix=last and main.isalpha())]
        # A code's letters (the "err" of err4090) would make every other code a partial match.
        alternatives += [
            Alternative((p,), SUBWORD_WEIGHT) for p in parts if p != main and not (code and p.isalpha())
        ]
        terms.append(Term(text_of, tuple(alternatives), code=code))
    flush()
    return terms


def phrase_tokens(text: str) -> tuple[str, ...]:
    """A synonym's words (无法登录 → 无法 登录), stopwords dropped."""
    return tuple(p.tokens[0] for p in pieces(clean(text)) if p.text not in STOPWORDS and p.tokens)


def normalise_query(text: str) -> tuple[tuple[str, ...], ...]:
    """The query's terms as tuples of tokens that satisfy them (kept for callers of the old API)."""
    return tuple(tuple(a.tokens[0] for a in t.alternatives) for t in word_terms(clean(text)))
