"""The customer's version card, the plans page's version support, maintenance windows and notices."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from helpdesk.models import EmailKind, MaintenanceWindow, OutboundEmail, PluginVersion
from helpdesk.services.maintenance import save_window, send_maintenance_notices
from helpdesk.tests.factories import CustomerFactory, OrganizationFactory
from knowledgebase.models import IssueStatus, Kind
from knowledgebase.tests.factories import article

NOON = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)  # 12:00 in Beijing, 05:00 in Berlin


def _window(starts_in: timedelta, hours: int = 2, **extra) -> MaintenanceWindow:
    start = NOON + starts_in
    return save_window(
        window=MaintenanceWindow(
            title_zh_hans="服务台系统升级",
            title_en="Helpdesk system upgrade",
            services_zh_hans="在线提交工单",
            services_en="online requests",
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            **extra,
        ),
        actor=None,
        now=NOON,
    )


@pytest.fixture
def beijing_customer(db):
    return CustomerFactory(
        organization=OrganizationFactory(timezone="Asia/Shanghai"), email="wang@cn.example"
    )


@pytest.fixture
def berlin_customer(db):
    return CustomerFactory(
        organization=OrganizationFactory(timezone="Europe/Berlin"),
        email="anna@de.example",
        organization__language="en",
    )


@time_machine.travel(NOON, tick=False)
def test_the_banner_shows_an_upcoming_window_in_each_viewers_time_zone(
    client, beijing_customer, berlin_customer
):
    _window(timedelta(days=1, hours=10))  # 2026-03-03 14:00 UTC
    client.force_login(beijing_customer)
    page = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "maintenance-banner" in page and "2026-03-03 22:00 to 2026-03-04 00:00" in page
    assert "Asia/Shanghai" in page
    client.force_login(berlin_customer)
    page = client.get(reverse("portal:home")).content.decode()
    assert "2026-03-03 15:00 to 2026-03-03 17:00" in page and "Europe/Berlin" in page
    assert "Helpdesk system upgrade" in page


@time_machine.travel(NOON, tick=False)
def test_a_current_window_is_announced_in_the_wizard_and_a_past_or_far_one_is_not(client, beijing_customer):
    client.force_login(beijing_customer)
    _window(timedelta(days=30))  # beyond the horizon
    _window(timedelta(days=-2))  # over
    page = client.get(reverse("portal:submit")).content.decode()
    assert "maintenance-banner" not in page and "maintenance-now" not in page
    _window(timedelta(minutes=-30))
    page = client.get(reverse("portal:submit")).content.decode()
    assert "maintenance-now" in page and "Maintenance under way" in page


def test_a_window_must_end_after_it_starts(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _window(timedelta(days=1), hours=0)
    assert not MaintenanceWindow.objects.exists()


def test_subscribers_get_one_notice_in_their_language_and_zone(beijing_customer, berlin_customer):
    opted_out = CustomerFactory(organization__notify_maintenance=False)
    window = _window(timedelta(hours=20))
    OutboundEmail.objects.all().delete()
    assert send_maintenance_notices(now=NOON) == 2
    assert send_maintenance_notices(now=NOON + timedelta(minutes=5)) == 0  # once
    mails = {m.to[0]: m for m in OutboundEmail.objects.filter(kind=EmailKind.MAINTENANCE_NOTICE)}
    assert set(mails) == {"wang@cn.example", "anna@de.example"} and opted_out.email not in mails
    assert "Helpdesk system upgrade" in mails["anna@de.example"].subject
    assert "(Europe/Berlin)" in mails["anna@de.example"].body and "01:00" in mails["anna@de.example"].body
    assert "(Asia/Shanghai)" in mails["wang@cn.example"].body and "08:00" in mails["wang@cn.example"].body
    window.refresh_from_db()
    assert window.notice_sent_at == NOON


def test_a_window_far_ahead_is_not_noticed_yet(beijing_customer):
    _window(timedelta(days=3))
    assert send_maintenance_notices(now=NOON) == 0
    assert send_maintenance_notices(now=NOON + timedelta(days=2, hours=1)) == 1


@pytest.fixture
def versions(db):
    made = {}
    for i, v in enumerate(["3.1.4", "3.2.0", "3.2.1", "3.10.0"]):
        made[v] = PluginVersion.objects.create(
            version=v, released_on=date(2025, 1, 1) + timedelta(days=30 * i)
        )
    made["3.1.4"].full_support_until, made["3.1.4"].end_of_life_on = date(2026, 3, 31), date(2027, 3, 31)
    made["3.1.4"].save()
    made["3.2.0"].full_support_until, made["3.2.0"].end_of_life_on = date(2025, 6, 30), date(2026, 6, 30)
    made["3.2.0"].save()
    return made


def test_plans_page_lists_version_support(client, versions):
    with time_machine.travel(datetime(2026, 12, 1, tzinfo=UTC), tick=False):
        page = client.get(reverse("portal:plans"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    section = page[page.index('id="plugin-versions"') :]
    assert section.index("3.10.0") < section.index("3.2.1") < section.index("3.2.0") < section.index("3.1.4")
    assert "Maintenance only" in section and "End of life" in section and "Supported" in section


def test_the_home_card_shows_new_releases_and_affecting_issues(client, versions):
    org = OrganizationFactory(plugin_version="3.2.0", erp_version="K/3 Cloud 8.2")
    customer = CustomerFactory(organization=org, organization__is_org_admin=True)
    new = article(kind=Kind.RELEASE_NOTE, title="插件 3.10.0 更新说明", release_version=versions["3.10.0"])
    old = article(kind=Kind.RELEASE_NOTE, title="插件 3.1.4 更新说明", release_version=versions["3.1.4"])
    issue = article(
        kind=Kind.KNOWN_ISSUE, title="附件数为 0", issue_status=IssueStatus.WORKAROUND,
        plugin_versions=[versions["3.2.0"]],
    )  # fmt: skip
    client.force_login(customer)
    page = client.get(reverse("portal:home")).content.decode()
    card = page[page.index('id="your-version"') :]
    assert new.title in card and old.title not in card and issue.title in card
    assert reverse("portal:organization_versions") in card


def test_the_org_admin_edits_the_versions_and_others_may_not(client, versions):
    org = OrganizationFactory(plugin_version="3.1.4")
    admin = CustomerFactory(organization=org, organization__is_org_admin=True)
    member = CustomerFactory(organization=org)
    url = reverse("portal:organization_versions")
    client.force_login(member)
    assert client.post(url, {"plugin_version": "3.2.1"}).status_code == 302
    org.refresh_from_db()
    assert org.plugin_version == "3.1.4"
    client.force_login(admin)
    assert client.get(url).status_code == 200
    refused = client.post(url, {"plugin_version": "9.9.9", "erp_version": "U8 V13"})
    assert refused.status_code == 200 and "U8 V13" in refused.content.decode()
    assert client.post(url, {"plugin_version": "3.2.1", "erp_version": "U8 V13"}).status_code == 302
    org.refresh_from_db()
    assert (org.plugin_version, org.erp_version) == ("3.2.1", "U8 V13")


def test_update_mail_preferences_from_the_profile(client, db):
    customer = CustomerFactory()
    client.force_login(customer)
    assert 'action="/account/profile/updates/"' in client.get(reverse("portal:profile")).content.decode()
    client.post(reverse("portal:profile_updates"), {"notify_releases": "on"})
    profile = customer.customer_profile
    profile.refresh_from_db()
    assert profile.notify_releases and not profile.notify_maintenance and profile.releases_notified_at
