"""The API lists announced maintenance windows and each plugin version's support status."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from helpdesk.models import MaintenanceWindow, PluginVersion
from helpdesk.services.maintenance import save_window

from .api_world import make_world

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)


def _window(starts_in: timedelta, **extra):
    start = NOON + starts_in
    return save_window(
        window=MaintenanceWindow(
            title_zh_hans="服务台系统升级",
            title_en="Helpdesk system upgrade",
            services_zh_hans="在线提交工单",
            services_en="online requests",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            **extra,
        ),
        actor=None,
        now=NOON,
    )


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize("who", ["customer_a", "agent"])
def test_maintenance_windows_current_and_upcoming_only(who):
    world = make_world()
    current = _window(timedelta(minutes=-30))
    upcoming = _window(timedelta(days=2))
    _window(timedelta(days=-3))  # over
    _window(timedelta(days=2), is_published=False)  # not announced
    rows = world.client(who).get("/api/v1/maintenance-windows/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [row["id"] for row in rows] == [current.pk, upcoming.pk]
    assert [row["is_current"] for row in rows] == [True, False]
    assert rows[0]["title"] == "Helpdesk system upgrade" and rows[0]["title_zh_hans"] == "服务台系统升级"


def test_maintenance_windows_need_a_caller():
    world = make_world()
    assert world.client("anonymous").get("/api/v1/maintenance-windows/").status_code == 401


@time_machine.travel(datetime(2026, 12, 1, tzinfo=UTC), tick=False)
def test_plugin_versions_carry_their_support_status():
    world = make_world()
    PluginVersion.objects.create(
        version="3.1.4",
        released_on=date(2025, 5, 6),
        full_support_until=date(2026, 3, 31),
        end_of_life_on=date(2027, 3, 31),
    )
    PluginVersion.objects.create(
        version="3.0.0",
        released_on=date(2024, 12, 1),
        full_support_until=date(2025, 6, 30),
        end_of_life_on=date(2026, 6, 30),
    )
    rows = {
        row["version"]: row
        for row in world.client("customer_a").get("/api/v1/plugin-versions/").json()["results"]
    }
    assert (
        rows["3.1.4"]["support_status"] == "maintenance" and rows["3.1.4"]["end_of_life_on"] == "2027-03-31"
    )
    assert rows["3.0.0"]["support_status"] == "end_of_life"
