"""Seed the built-in English–Chinese vocabulary (voucher 凭证, attachment 附件 …) and the
everyday "it does not work" words (不行了, broken → 失败) as Synonym rows editors can change.
Idempotent in the same way as 0003: a group already contained in an existing one is skipped."""

from django.db import migrations


def _terms(text: str) -> set[str]:
    return {t.strip().lower() for t in text.replace("，", ",").replace("、", ",").split(",") if t.strip()}


def seed(apps, schema_editor):
    from search.vocabulary import BILINGUAL_SYNONYMS

    Synonym = apps.get_model("search", "Synonym")
    existing = [_terms(s.terms) for s in Synonym.objects.all()]
    for group in BILINGUAL_SYNONYMS:
        terms = _terms(group)
        if not any(terms <= other for other in existing):
            Synonym.objects.create(terms=group)
            existing.append(terms)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_everyday_synonyms")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
