"""REST API v1: each room contributes its router (helpdesk must not import the rooms above it,
so the knowledge base and the forum are mounted here)."""

from django.urls import include, path

urlpatterns = [
    path("", include("helpdesk.api.urls")),
    path("", include("knowledgebase.api.urls")),
    path("", include("community.api.urls")),
]
