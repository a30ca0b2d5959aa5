from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    ArticleViewSet,
    FaqViewSet,
    KbCategoryViewSet,
    KnownIssueViewSet,
    ReleaseNoteViewSet,
    SearchView,
    VideoViewSet,
)

router = SimpleRouter()
router.register("kb/categories", KbCategoryViewSet, basename="kb-category")
router.register("kb/articles", ArticleViewSet, basename="kb-article")
router.register("kb/faq", FaqViewSet, basename="kb-faq")
router.register("kb/videos", VideoViewSet, basename="kb-video")
router.register("kb/release-notes", ReleaseNoteViewSet, basename="kb-release-note")
router.register("kb/known-issues", KnownIssueViewSet, basename="kb-known-issue")
urlpatterns = [*router.urls, path("search/", SearchView.as_view(), name="search")]
