"""Knowledge-base models, one module per concern."""

from .choices import ArticleStatus, IssueStatus, Kind, Visibility, visibilities_for
from .content import EMBED_HOSTS, Article, ArticleRevision, Category, Tag, validate_embed_url
from .feedback import ArticleFeedback
from .known_issues import KnownIssueLink, LinkSource
from .search import SearchQuery
from .training import TrainingSession, TrainingSignup

__all__ = [
    "EMBED_HOSTS",
    "Article",
    "ArticleFeedback",
    "ArticleRevision",
    "ArticleStatus",
    "Category",
    "IssueStatus",
    "Kind",
    "KnownIssueLink",
    "LinkSource",
    "SearchQuery",
    "Tag",
    "TrainingSession",
    "TrainingSignup",
    "Visibility",
    "validate_embed_url",
    "visibilities_for",
]
