"""The dashboards as managers, agents and customers meet them: figures, scope, exports, queries."""

import csv
import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from helpdesk.tests.factories import CustomerFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db

PAGES = [
    reverse("admin:reports_overview"),
    reverse("admin:reports_breakdown", args=["team"]),
    reverse("admin:reports_breakdown", args=["timezone"]),
    reverse("admin:reports_heatmap"),
]


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_manager_sees_every_team_in_the_breakdown(client, manager, history):
    client.force_login(manager)

    response = client.get(reverse("admin:reports_breakdown", args=["team"]), {"preset": "7d"})

    assert response.status_code == 200
    rows = {row.label: row.measures for row in response.context["breakdown"].rows}
    assert set(rows) == {"金蝶对接组", "用友对接组"}
    kingdee = rows["金蝶对接组"]
    assert (kingdee.created, kingdee.resolved, kingdee.first_response.part) == (3, 1, 2)
    assert response.context["breakdown"].total.created == 4
    assert 'style="' not in response.content.decode().split('id="content-main"')[1]  # strict CSP


def test_overview_cards_compare_with_the_previous_period(client, manager, history):
    client.force_login(manager)

    response = client.get(reverse("admin:reports_overview"), {"preset": "7d"})

    cards = {str(card["label"]): card for card in response.context["cards"]}
    assert cards["Created"]["value"] == "4"
    assert cards["Created"]["arrow"] == "▲"  # nothing the week before
    assert cards["First response compliance"]["value"] == "50.0 %"  # two answered, two open past due
    assert response.context["attention"]["breached"][0].pk  # the unanswered ones are listed


def test_agent_sees_only_their_own_team(client, team_agent, history):
    client.force_login(team_agent)

    response = client.get(reverse("admin:reports_breakdown", args=["team"]), {"preset": "7d"})

    assert response.status_code == 200
    assert [row.label for row in response.context["breakdown"].rows] == ["金蝶对接组"]
    assert response.context["breakdown"].total.created == 3


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("export", [{}, {"format": "csv"}, {"format": "xlsx"}])
def test_customers_and_anonymous_never_see_a_report(client, url, export):
    assert client.get(url, export).status_code == 302  # to the admin login
    client.force_login(CustomerFactory())
    response = client.get(url, export)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("url", PAGES)
def test_an_agent_without_a_team_is_refused(admin_agent_client, url):
    assert admin_agent_client.get(url, {"format": "csv"}).status_code == 403
    assert admin_agent_client.get(url).status_code == 403


@pytest.fixture
def admin_agent_client(client):
    from helpdesk.tests.factories import AgentFactory

    client.force_login(AgentFactory())
    return client


def test_csv_has_a_bom_a_totals_row_and_no_live_formula(client, manager, history):
    client.force_login(manager)

    response = client.get(
        reverse("admin:reports_breakdown", args=["category"]), {"preset": "7d", "format": "csv"}
    )

    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0][:3] == ["Category", "created", "resolved"]
    labels = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in labels
    assert rows[-1][0] == "All" and rows[-1][1] == "4"


def test_xlsx_opens_with_the_same_cells(client, manager, history):
    client.force_login(manager)

    response = client.get(
        reverse("admin:reports_breakdown", args=["category"]), {"preset": "7d", "format": "xlsx"}
    )

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:2] == ["Category", "created"]
    assert '\'=HYPERLINK("http://x")' in [row[0] for row in rows]
    assert rows[-1][:2] == ["All", 4]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_chinese_trend_export_names_its_columns_as_counts_and_days(client, manager, history):
    """ "created" and "from" are also field names (创建时间, 从): the trend's are a count of
    tickets and the first day of a row."""
    client.force_login(manager)

    response = client.get(
        reverse("admin:reports_overview"),
        {"preset": "7d", "format": "csv"},
        headers={"accept-language": "zh-hans"},
    )

    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[:3] == ["起始日期", "新建", "已解决"]


@pytest.mark.parametrize(
    ("url", "queries", "longer"),
    # Periods up to 7 days read the raw values for exact percentiles (two queries a measure set).
    # The overview adds live chat's cards: two queries for each of the two periods.
    [(PAGES[0], 23, 19), (PAGES[1], 13, 9), (PAGES[3], 25, 17)],
)
def test_query_count_does_not_grow_with_the_data(
    client,
    manager,
    history,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
    url,
    queries,
    longer,
):
    from .conftest import story

    client.force_login(manager)
    client.get(url, {"preset": "7d"})  # warm the calendar cache and the session
    with django_assert_num_queries(queries):
        assert client.get(url, {"preset": "7d"}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            story(answer_after=None)
    with django_assert_num_queries(queries):
        assert client.get(url, {"preset": "7d"}).status_code == 200
    with django_assert_num_queries(longer):
        assert client.get(url, {"preset": "30d"}).status_code == 200  # histograms only


def test_the_custom_dates_report_csv_neutralises_formulas_too(client, manager, history):
    client.force_login(manager)

    response = client.get(
        reverse("admin:reports_sla"),
        {"start": "2025-11-03", "end": "2025-11-05", "group_by": "category", "format": "csv"},
    )

    labels = [row[0] for row in csv.reader(io.StringIO(response.content.decode("utf-8")[1:]))]
    assert '\'=HYPERLINK("http://x")' in labels
    assert not any(label.startswith("=") for label in labels)


def test_the_period_chooser_shows_the_period_the_report_covers(client, manager, history):
    """Opened without a choice, the report covers the last 30 days, and says so in the select."""
    client.force_login(manager)

    html = client.get(reverse("admin:reports_overview")).content.decode()

    assert '<option value="30d" selected>' in html
    assert html.count(" selected>") == 1
