"""Swagger UI at /api/docs/ and ReDoc at /api/redoc/, from drf-spectacular-sidecar's local files.

The site's CSP allows no inline script, so Swagger UI's start-up script is served as a file
(SpectacularSwaggerSplitView). Both viewers write inline styles (ReDoc through
styled-components, Swagger UI in its SVGs) and ReDoc runs its search in a blob: worker, so
these two pages, and only they, allow inline styles and blob: workers. Scripts stay
'self' only.
"""

from django.conf import settings
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView


def docs_csp() -> dict:
    policy = {key: list(value) for key, value in settings.SECURE_CSP.items()}
    policy["style-src"] = ["'self'", "'unsafe-inline'"]
    policy["worker-src"] = ["'self'", "blob:"]
    policy["img-src"] = ["'self'", "data:"]
    policy["font-src"] = ["'self'", "data:"]
    return policy


swagger_ui = csp_override(docs_csp())(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="helpdesk/api/swagger_ui.html")
)
redoc = csp_override(docs_csp())(
    SpectacularRedocView.as_view(url_name="api-schema", template_name="helpdesk/api/redoc.html")
)
