"""The dashboards in a real browser, as a manager, in both languages: overview, a breakdown,
the heatmap, and the CSV and XLSX downloads opened as a spreadsheet would."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import Group

from core import clock
from helpdesk.roles import MANAGERS
from helpdesk.tests.factories import PASSWORD, AgentFactory, CategoryFactory, TeamFactory

from .conftest import story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dashboard_data():
    manager = AgentFactory(email="wang.jl@vendor.example", full_name="王经理")
    manager.groups.add(Group.objects.get(name=MANAGERS))
    team = TeamFactory(name="金蝶对接组")
    agent = AgentFactory(full_name="李客服")
    team.members.add(agent)
    category = CategoryFactory(default_team=team, name="凭证生成失败")
    now = clock.now()
    for days in range(1, 12):
        at = now - timedelta(days=days, hours=days % 5)
        story(team=team, category=category, agent=agent, at=at, answer_after=timedelta(hours=days % 4 + 0.5),
              resolve_after=timedelta(hours=6) if days % 3 else None)  # fmt: skip
    story(team=team, category=category, at=now - timedelta(days=2))  # never answered: breached
    return manager


def sign_in(page, base, manager, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", manager.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_manager_reads_the_dashboards_and_downloads_them(
    page, live_server, dashboard_data, screenshot_dir, language
):
    base = live_server.url
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, base, dashboard_data, language)

    page.goto(f"{base}/admin/reports/?preset=30d")
    page.wait_for_selector(".kx-report-cards")
    assert page.locator(".kx-report-cards").first.locator(".kx-card").count() == 15
    assert page.locator("#cards-chat .kx-card").count() == 5  # live chat's, from core.registry.report_cards
    assert page.locator("svg.kx-chart").count() >= 3
    assert page.locator("nav[aria-label] ol.breadcrumbs li").count() == 2  # the admin's breadcrumb bar
    page.screenshot(path=screenshot_dir / f"reports-overview-{language}.png", full_page=True)

    page.goto(f"{base}/admin/reports/by/team/?preset=30d")
    page.wait_for_selector(".kx-report-table")
    assert "金蝶对接组" in page.locator(".kx-report-table tbody").inner_text()
    assert page.locator("nav[aria-label] ol.breadcrumbs li").count() == 3
    page.screenshot(path=screenshot_dir / f"reports-by-team-{language}.png", full_page=True)

    with page.expect_download() as csv_download:
        page.locator(".kx-report-exports a").first.click()
    text = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == "金蝶对接组" and rows[-1][1] == "12"
    with page.expect_download() as xlsx_download:
        page.locator(".kx-report-exports a").nth(1).click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes())).active
    assert [cell.value for cell in sheet[2]][0] == "金蝶对接组"

    page.goto(f"{base}/admin/reports/heatmap/?preset=30d")
    page.wait_for_selector("svg.kx-chart rect")
    assert page.locator("svg.kx-chart rect").count() >= 7 * 24
    page.screenshot(path=screenshot_dir / f"reports-heatmap-{language}.png", full_page=True)
