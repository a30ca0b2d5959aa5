"""Reading a translated column (django-modeltranslation) from a model that is not translated.

A translated model's own queries read the viewer's language by themselves (its manager
rewrites `name` to `name_en`), but a lookup that starts elsewhere (`Ticket` → `team__name`)
reads the untranslated column, which holds whichever language last saved the row.
"""

from django.conf import settings
from django.db.models import CharField, F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language


def languages_in_order(language: str | None = None) -> list[str]:
    """The viewer's language, then the fallbacks (settings.MODELTRANSLATION_FALLBACK_LANGUAGES)."""
    codes = [code for code, _name in settings.LANGUAGES]
    language = (language or get_language() or settings.LANGUAGE_CODE).lower()
    first = language if language in codes else language.split("-")[0]
    order = [first] if first in codes else []
    for code in settings.MODELTRANSLATION_FALLBACK_LANGUAGES:
        if code not in order:
            order.append(code)
    return order


def localized(path: str, language: str | None = None) -> Coalesce:
    """`team__name` in the viewer's language, else in the fallback ones (blank counts as missing)."""
    columns = [
        NullIf(F(f"{path}_{code.replace('-', '_')}"), Value("")) for code in languages_in_order(language)
    ]
    return Coalesce(*columns, F(path), output_field=CharField())
