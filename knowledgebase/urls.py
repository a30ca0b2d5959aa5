from django.urls import path

from .views import actions, media, pages, training
from .views import search as search_views

app_name = "knowledgebase"
urlpatterns = [
    path("", pages.home, name="home"),
    path("category/<str:slug>/", pages.category, name="category"),
    path("a/<str:slug>/", pages.article, name="article"),
    path("a/<str:slug>/vote/", actions.vote, name="vote"),
    path("a/<str:slug>/video/", media.video_file, name="video-file"),
    path("a/<str:slug>/poster/", media.video_poster, name="video-poster"),
    path("a/<str:slug>/captions.vtt", media.video_captions, name="video-captions"),
    path("faq/", pages.faq, name="faq"),
    path("videos/", pages.videos, name="videos"),
    path("whats-new/", pages.whats_new, name="whats-new"),
    path("known-issues/", pages.known_issues, name="known-issues"),
    path("training/", training.calendar, name="training"),
    path("training/<int:pk>/signup/", training.signup, name="training-signup"),
    path("training/<int:pk>/cancel/", training.cancel, name="training-cancel"),
    path("suggest/", search_views.suggest, name="suggest"),
]
