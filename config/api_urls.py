"""REST API v1: each app contributes its router."""

from django.urls import include, path

urlpatterns = [
    path("", include("helpdesk.api.urls")),
]
