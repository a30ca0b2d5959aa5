"""Demo: which versions customers run, version support dates, tickets linked to a known issue,
and an upcoming maintenance window — so the portal's "your version" card, the plans page, the
known-issue boxes and the banner show something true. Idempotent; writes through the services."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from helpdesk.models import OPEN_STATUSES, MaintenanceWindow, Organization, PluginVersion, Ticket, User
from helpdesk.services.maintenance import save_window
from knowledgebase.models import Article, KnownIssueLink, LinkSource
from knowledgebase.services.known_issues import link_tickets

# email domain → (plugin version, ERP version) the organization runs
ORGANIZATION_VERSIONS = {
    "huadong-textile.example": ("3.2.0", "金蝶云星空 8.2"),
    "qianhai-logistics.example": ("3.1.4", "用友 U8 V13"),
    "shuwei-food.example": ("3.2.1", "金蝶云星空 8.1"),
    "nordic-components.example": ("3.2.0", "SAP S/4HANA 2022"),
}
# version → (full support until, end of life)
SUPPORT = {
    "3.0.0": (date(2025, 6, 30), date(2026, 6, 30)),
    "3.0.1": (date(2025, 6, 30), date(2026, 6, 30)),
    "3.1.0": (date(2026, 3, 31), date(2027, 3, 31)),
    "3.1.4": (date(2026, 3, 31), date(2027, 3, 31)),
}
LINKED_ISSUE = "issue-k3-attachment"


def seed(*, now: datetime) -> None:
    for version, (full, eol) in SUPPORT.items():
        PluginVersion.objects.filter(version=version, full_support_until__isnull=True).update(
            full_support_until=full, end_of_life_on=eol
        )
    for domain, (plugin, erp) in ORGANIZATION_VERSIONS.items():
        Organization.objects.filter(email_domains=domain, plugin_version="").update(
            plugin_version=plugin, erp_version=erp, versions_updated_at=now
        )
    issue = Article.objects.filter(slug=LINKED_ISSUE).first()
    agent = User.objects.filter(email="agent@example.com").first()
    if issue is not None and agent is not None and not KnownIssueLink.objects.filter(issue=issue).exists():
        tickets = list(
            Ticket.objects.filter(
                erp_system="kingdee", status__in=OPEN_STATUSES, merged_into__isnull=True
            ).order_by("pk")[:2]
        )
        link_tickets(issue=issue, tickets=tickets, actor=agent, source=LinkSource.TICKET_PAGE, now=now)
    if not MaintenanceWindow.objects.exists():
        beijing = ZoneInfo("Asia/Shanghai")
        start = (now.astimezone(beijing) + timedelta(days=3)).replace(
            hour=22, minute=0, second=0, microsecond=0
        )
        save_window(
            window=MaintenanceWindow(
                title_zh_hans="服务台系统升级",
                title_en="Helpdesk system upgrade",
                services_zh_hans="在线提交工单、附件上传、在线客服",
                services_en="online requests, attachment upload, live chat",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
            ),
            actor=agent,
            now=now,
        )
