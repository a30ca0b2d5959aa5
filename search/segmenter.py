"""Chinese word segmentation: one jieba tokenizer per process, with the product's own words.

jieba reads a 5 MB dictionary on first use (about a second) and caches the parsed form in a
file. The tokenizer is built lazily, once per process, behind a lock; its cache file goes to
`configure(cache_dir=...)` (the app sets var/cache) or the system temp directory, never the
repository.

HMM is off on both sides: jieba's unknown-word guesser depends on the surrounding text, so
the same word could be cut one way in an article and another way in a query. Dictionary
cuts are stable; unknown words come out as single characters, which `tokenize` pairs up.
Pure Python, no Django.
"""

import functools
import logging
import os
import tempfile
import threading
from pathlib import Path

import jieba

from .vocabulary import DOMAIN_WORDS

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_cache_dir: Path | None = None

# The product's words outrank the general dictionary's cuts (红字冲销 stays one word, and
# cut_for_search still yields 红字 and 冲销 from it).
DOMAIN_FREQ = 200_000


def configure(*, cache_dir: Path | str | None) -> None:
    """Where jieba keeps its parsed-dictionary cache; call before the first segmentation."""
    global _cache_dir
    _cache_dir = Path(cache_dir) if cache_dir else None


def _build() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    directory = _cache_dir or Path(tempfile.gettempdir()) / "kuaixiang-jieba"
    try:
        os.makedirs(directory, exist_ok=True)
        tokenizer.tmp_dir = str(directory)
    except OSError:  # a read-only disk: jieba then only logs that it could not write the cache
        tokenizer.tmp_dir = tempfile.gettempdir()
    tokenizer.initialize()
    for word in DOMAIN_WORDS:
        tokenizer.add_word(word, freq=DOMAIN_FREQ)
    return tokenizer


def tokenizer() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                _tokenizer = _build()
    return _tokenizer


# The dictionary is fixed once built, so a run always cuts the same way: remembering the
# cuts of recent runs spares jieba the repeated phrases of bulk indexing (the same template
# sentences in thousands of tickets) and of everyday queries.
@functools.lru_cache(maxsize=20_000)
def words(run: str) -> tuple[str, ...]:
    """The words of a run of CJK characters, longest dictionary cut (query side: one per word)."""
    return tuple(tokenizer().cut(run, HMM=False))


@functools.lru_cache(maxsize=20_000)
def search_words(word: str) -> tuple[str, ...]:
    """The dictionary words inside `word` (2- and 3-character ones), then the word itself."""
    return tuple(tokenizer().cut_for_search(word, HMM=False))
