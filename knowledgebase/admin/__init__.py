"""Knowledge-base admin, registered on the project admin site (imported from AppConfig.ready)."""

from helpdesk.admin_site import admin_site
from helpdesk.models import Ticket

from . import articles, other  # noqa: F401

# The ticket queue offers "create article from ticket". Added from here so the dependency
# points from the knowledge base to the helpdesk, never back (helpdesk is ready() first).
_ticket_admin = admin_site._registry.get(Ticket)
if _ticket_admin is not None and articles.create_article_from_ticket not in _ticket_admin.actions:
    _ticket_admin.actions = [*_ticket_admin.actions, articles.create_article_from_ticket]
