"""ModelAdmins of the agent workspace, registered on helpdesk.admin_site.admin_site.

Imported from HelpdeskConfig.ready(); the admin site module itself imports none of them
(they import it).
"""

from . import api_keys, config, integrations, mail, maintenance, outbox, people, records, sla, tickets  # noqa: F401
