"""Enumerations shared by articles, the search index and the pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from search.models import Visibility, visibilities_for

__all__ = ["ArticleStatus", "IssueStatus", "Kind", "Visibility", "visibilities_for"]


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


class IssueStatus(models.TextChoices):
    INVESTIGATING = "investigating", _("Investigating")
    WORKAROUND = "workaround", _("Workaround available")
    FIXED = "fixed", _("Fixed")
