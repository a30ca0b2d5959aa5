"""Both languages ship complete: every zh-Hans string translated, every .mo in step with its .po."""

import ast
import gettext
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PO_FILES = sorted(
    p
    for p in ROOT.glob("**/locale/*/LC_MESSAGES/*.po")
    if ".venv" not in p.parts and "site-packages" not in p.parts
)
ENTRY = re.compile(
    r"(?P<flags>(?:#.*\n)*)"
    r"(?:msgctxt (?P<ctx>(?:\".*\"\n)+))?"
    r"msgid (?P<id>(?:\".*\"\n)+)"
    r"(?:msgid_plural (?P<plural>(?:\".*\"\n)+))?"
    r"(?P<strs>(?:msgstr(?:\[\d\])? (?:\".*\"\n)+)+)"
)


def _join(block: str) -> str:
    return "".join(ast.literal_eval(line) for line in block.strip().splitlines())


def entries(po: Path):
    """(context, msgid, [msgstr…], fuzzy) for each real entry (the header is skipped)."""
    for match in ENTRY.finditer(po.read_text(encoding="utf-8") + "\n"):
        msgid = _join(match["id"])
        if not msgid:
            continue
        strs = [_join(s) for s in re.findall(r"msgstr(?:\[\d\])? ((?:\".*\"\n)+)", match["strs"])]
        ctx = _join(match["ctx"]) if match["ctx"] else None
        flags = [line for line in match["flags"].splitlines() if line.startswith("#,")]
        yield ctx, msgid, strs, any("fuzzy" in line for line in flags)


def test_there_are_translation_catalogues_for_both_languages():
    languages = {p.parts[-3] for p in PO_FILES}
    assert {"zh_Hans", "en"} <= languages


@pytest.mark.parametrize(
    "po", [p for p in PO_FILES if p.parts[-3] == "zh_Hans"], ids=lambda p: str(p.relative_to(ROOT))
)
def test_every_chinese_string_is_translated(po):
    missing = [msgid for _, msgid, strs, fuzzy in entries(po) if fuzzy or not all(strs)]
    assert missing == [], f"{len(missing)} untranslated or fuzzy in {po.name}: {missing[:5]}"


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogue_matches_its_source(po):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `make messages`"
    with mo.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for ctx, msgid, strs, fuzzy in entries(po):
        if fuzzy or not strs[0]:
            continue
        got = catalogue.pgettext(ctx, msgid) if ctx else catalogue.gettext(msgid)
        assert got == strs[0], f"{mo.name} is stale for {msgid!r}: run `make messages`"
