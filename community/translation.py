"""Forum fields with a value per language (django-modeltranslation); see helpdesk/translation.py."""

from modeltranslation.translator import TranslationOptions, register

from community.models import Board


@register(Board)
class BoardTranslation(TranslationOptions):
    fields = ("name", "description")
    empty_values = {"name": None}
    required_languages = {"zh-hans": ("name",), "default": ()}
