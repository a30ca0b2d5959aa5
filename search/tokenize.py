"""Turn text into the tokens the index stores and queries match. Pure Python, no Django.

Chinese has no spaces, and FTS tokenizers either swallow a whole run of characters as one
word or need three-character grams. So every run of CJK characters becomes its overlapping
two-character chunks (凭证生成失败 → 凭证 证生 生成 成失 失败) and Latin/number tokens stay
whole (U8, K3, 3.2.1 → 3 2 1). A query run is then matched as a phrase of the same chunks,
which agrees with substring search for any query of two or more characters.
"""

import re
import unicodedata

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_RUN = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>[^\W_{_CJK}]+)")
# Longer "words" are base64 blobs or hashes: useless to search and too long for a tsvector lexeme.
MAX_TOKEN_LENGTH = 64


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def _run_tokens(match: re.Match) -> tuple[str, ...]:
    run = match.group()
    if match.lastgroup == "cjk":
        if len(run) == 1:
            return (run,)
        return tuple(run[i : i + 2] for i in range(len(run) - 1))
    return (run,) if len(run) <= MAX_TOKEN_LENGTH else ()


def tokens(text: str) -> list[str]:
    """Every index token of `text`, in order."""
    out: list[str] = []
    for match in _RUN.finditer(_clean(text)):
        out.extend(_run_tokens(match))
    return out


def normalise_for_index(text: str) -> str:
    """The space-separated token text stored in the index."""
    return " ".join(tokens(text))


def normalise_query(text: str) -> tuple[tuple[str, ...], ...]:
    """The query as phrases: one tuple of tokens per run, in order, duplicates removed.

    Every phrase must match (AND); the tokens of a phrase must be adjacent. A CJK run of one
    character yields a one-character phrase that no bigram equals; `search` drops those when
    other phrases remain and falls back to LIKE when nothing else is left.
    """
    phrases: list[tuple[str, ...]] = []
    for match in _RUN.finditer(_clean(text)):
        phrase = _run_tokens(match)
        if phrase and phrase not in phrases:
            phrases.append(phrase)
    return tuple(phrases)


def is_single_character(phrase: tuple[str, ...]) -> bool:
    return len(phrase) == 1 and len(phrase[0]) == 1


def phrase_text(phrase: tuple[str, ...]) -> str:
    """The original substring a phrase stands for (凭证 证生 → 凭证生), for highlighting."""
    if len(phrase) > 1 and all(len(t) == 2 for t in phrase) and _is_cjk(phrase[0][0]):
        return phrase[0] + "".join(t[1] for t in phrase[1:])
    return " ".join(phrase)


def _is_cjk(char: str) -> bool:
    return bool(re.match(rf"[{_CJK}]", char))
