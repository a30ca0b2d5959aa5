"""Top-level routes: portal at /, admin for agents, REST API under /api/v1/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from core.admin_site import admin_site
from helpdesk.api import docs as api_docs
from knowledgebase.views.search import search_page

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin_site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs.swagger_ui, name="api-docs"),
    path("api/redoc/", api_docs.redoc, name="api-redoc"),
    path("api/v1/", include(("config.api_urls", "api"))),
    path("helpdesk/", include("helpdesk.urls")),
    path("kb/", include("knowledgebase.urls")),
    path("community/", include("community.urls")),
    path("chat/", include("chat.urls")),
    path("search/", search_page, name="search"),
    path("", include("portal.urls")),
]

handler400 = "portal.views.errors.bad_request"
handler403 = "portal.views.errors.permission_denied"
handler404 = "portal.views.errors.page_not_found"
handler500 = "portal.views.errors.server_error"
