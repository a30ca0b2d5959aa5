"""Which helpdesk fields hold a value per language (django-modeltranslation).

Each field gets a column per language (`name_zh_hans`, `name_en`); `name` reads the viewer's
language and falls back to the other (settings.MODELTRANSLATION_FALLBACK_LANGUAGES). Names
may be left blank in English, never in Chinese, the product's default language. A blank
name is stored as NULL so the unique team and plan names do not collide on "".
"""

from modeltranslation.translator import TranslationOptions, register

from helpdesk.models import CannedResponse, Category, SLAPlan, Team


class NameAndDescription(TranslationOptions):
    fields = ("name", "description")
    empty_values = {"name": None}
    required_languages = {"zh-hans": ("name",), "default": ()}


@register(Category)
class CategoryTranslation(NameAndDescription):
    pass


@register(SLAPlan)
class SLAPlanTranslation(NameAndDescription):
    pass


@register(Team)
class TeamTranslation(TranslationOptions):
    fields = ("name",)
    empty_values = {"name": None}
    required_languages = {"zh-hans": ("name",), "default": ()}


@register(CannedResponse)
class CannedResponseTranslation(TranslationOptions):
    fields = ("title", "body")
    empty_values = {"title": None}
    required_languages = {"zh-hans": ("title", "body"), "default": ()}
