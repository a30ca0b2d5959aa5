"""The forum under /community/ (namespace "community")."""

from django.urls import path

from .views import lists, posts, topics

app_name = "community"

urlpatterns = [
    path("", lists.latest, name="latest"),
    path("unanswered/", lists.unanswered, name="unanswered"),
    path("solved/", lists.solved, name="solved"),
    path("mine/", lists.mine, name="mine"),
    path("search/", lists.search_page, name="search"),
    path("similar/", lists.similar, name="similar"),
    path("new/", topics.new_topic, name="new_topic"),
    path("b/<slug:slug>/", lists.board, name="board"),
    path("b/<slug:slug>/follow/", topics.follow_board, name="board_follow"),
    path("tag/<str:name>/", lists.tag, name="tag"),
    path("u/<str:handle>/", lists.member, name="member"),
    path("t/<int:pk>/", topics.topic_page, name="topic"),
    path("t/<int:pk>/reply/", topics.reply, name="reply"),
    path("t/<int:pk>/follow/", topics.follow_topic, name="topic_follow"),
    path("t/<int:pk>/escalate/", topics.escalate, name="escalate"),
    path("p/<int:pk>/edit/", posts.edit, name="post_edit"),
    path("p/<int:pk>/history/", posts.history, name="post_history"),
    path("p/<int:pk>/vote/", posts.vote, name="vote"),
    path("p/<int:pk>/solution/", posts.solution, name="solution"),
    path("p/<int:pk>/flag/", posts.flag, name="flag"),
    path("p/<int:pk>/pin/", topics.pin_answer, name="pin_answer"),
    path("files/<int:pk>/", posts.attachment, name="attachment"),
    path("unsubscribe/<str:token>/", posts.unsubscribe, name="unsubscribe"),
]
