"""Knowledge-base models, one module per concern."""

from .choices import ArticleStatus, IssueStatus, Kind, Visibility, visibilities_for
from .content import Article, ArticleRevision, Category, Tag
from .feedback import ArticleFeedback
from .known_issues import KnownIssueLink, LinkSource
from .search import SearchQuery
from .training import TrainingSession, TrainingSignup
from .video import Video, VideoProvider

__all__ = [
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
    "Video",
    "VideoProvider",
    "Visibility",
    "visibilities_for",
]
