"""Pages of API lists.

Tickets and forum posts are keyset ("cursor") pages: each page continues after the last
row's sort key, so rows inserted meanwhile neither shift nor repeat what the client reads,
and page 10,000 costs what page 1 does. `next` and `previous` are opaque URLs.
"""

from rest_framework.pagination import CursorPagination, PageNumberPagination


class KeysetPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-created_at", "-id")


class PostPagination(KeysetPagination):
    ordering = ("number", "id")


class TopicPagination(KeysetPagination):
    ordering = ("-last_activity_at", "-id")


class NumberedPagination(PageNumberPagination):
    """Small reference lists (categories, articles)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
