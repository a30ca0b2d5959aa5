"""Split a name typed in both languages ("凭证生成失败 Voucher generation fails") into its halves.

Used once, by the data migrations that moved such names into a column per language; pure
Python so the migrations and their tests need nothing else.
"""

import re

# CJK ideographs, CJK punctuation (。、), full-width forms (（）：，).
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_LATIN = re.compile(r"[A-Za-z]")
_JOINERS = " \t\r\n·•|/-–—:"


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def split_bilingual(text: str) -> tuple[str, str]:
    """(Chinese, English) halves of `text`; English is "" when there is no English half.

    Chinese then English ("金蝶对接组 Kingdee", or a Chinese line above an English one) splits
    after the last Chinese character; English then Chinese ("Advanced 高级") splits before
    the first one, when what follows is Chinese only. Text in one language is the Chinese
    value (the product's default language), and in English also the English value.
    """
    text = text.strip()
    cjk = list(_CJK.finditer(text))
    if not cjk:
        return text, text
    first, last = cjk[0].start(), cjk[-1].end()
    head, tail = text[:first], text[first:]
    if _LATIN.search(head) and not _LATIN.search(tail):
        return tail.strip(_JOINERS), head.strip(_JOINERS)
    chinese, english = text[:last].strip(), text[last:].strip(_JOINERS)
    if not _LATIN.search(english):
        return text, ""
    return chinese, english


def fill_translation_columns(model, fields: tuple[str, ...]) -> None:
    """Data-migration step: fill `<field>_zh_hans` and `<field>_en` of every row of the
    historical `model` from its bilingual `<field>`. Blank English names stay NULL."""
    for row in model.objects.all():
        for field in fields:
            chinese, english = split_bilingual(getattr(row, field) or "")
            setattr(row, f"{field}_zh_hans", chinese)
            setattr(row, f"{field}_en", english or (None if field in {"name", "title"} else ""))
        row.save(update_fields=[f"{field}_{lang}" for field in fields for lang in ("zh_hans", "en")])
