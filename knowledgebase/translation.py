"""Knowledge-base fields with a value per language (django-modeltranslation); see helpdesk/translation.py."""

from modeltranslation.translator import TranslationOptions, register

from knowledgebase.models import Category


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "description")
    empty_values = {"name": None}
    required_languages = {"zh-hans": ("name",), "default": ()}
