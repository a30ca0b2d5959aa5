"""Enumerations shared by articles, the search index and the pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ARTICLE = "article", _("Article")
    FAQ = "faq", _("FAQ")
    VIDEO = "video", _("Video tutorial")
    RELEASE_NOTE = "release_note", _("Release note")
    KNOWN_ISSUE = "known_issue", _("Known issue")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    CUSTOMERS = "customers", _("Signed-in customers")
    AGENTS = "agents", _("Agents only")


class IssueStatus(models.TextChoices):
    INVESTIGATING = "investigating", _("Investigating")
    WORKAROUND = "workaround", _("Workaround available")
    FIXED = "fixed", _("Fixed")


def visibilities_for(user) -> tuple[str, ...]:
    """The visibility levels a user may read: anonymous → public; customers → +signed-in; staff → all."""
    if user is None or not user.is_authenticated:
        return (Visibility.PUBLIC,)
    if user.is_staff:
        return (Visibility.PUBLIC, Visibility.CUSTOMERS, Visibility.AGENTS)
    return (Visibility.PUBLIC, Visibility.CUSTOMERS)
