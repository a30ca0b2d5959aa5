"""Names typed per language (helpdesk/translation.py): shown in the reader's language, with a
fallback, edited side by side, split from yesterday's bilingual strings by migration 0017."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils import translation

from core.bilingual import fill_translation_columns
from helpdesk.admin.forms import ReplyForm
from helpdesk.admin.ticket_page import ticket_page_context
from helpdesk.models import CannedResponse, Category, SLAPlan, Team, Ticket
from helpdesk.selectors.reports import backlog_age
from helpdesk.tests.factories import AgentFactory, CustomerFactory, plan, submit

pytestmark = pytest.mark.django_db


def test_a_name_reads_in_the_active_language_and_falls_back_to_the_other():
    team = Team.objects.create(name_zh_hans="金蝶对接组", name_en="Kingdee", calendar=plan().calendar)
    only_chinese = Category.objects.create(name_zh_hans="对账差异", slug="reconciliation")
    with translation.override("en"):
        assert (str(team), only_chinese.name) == ("Kingdee", "对账差异")
    with translation.override("zh-hans"):
        assert str(team) == "金蝶对接组"
        assert Team.objects.get(name="金蝶对接组") == team  # lookups read the active language too


def test_the_seeded_plans_were_split_into_their_two_languages():
    advanced = SLAPlan.objects.get(tier=SLAPlan.Tier.ADVANCED)
    assert (advanced.name_zh_hans, advanced.name_en) == ("高级", "Advanced")
    assert advanced.description_zh_hans.startswith("首次响应：P1/P2 4 个工作小时内")
    assert advanced.description_en.startswith("First response within 4 business hours")


def test_migration_0017_splits_bilingual_values_into_the_language_columns():
    state = MigrationLoader(connection).project_state(("helpdesk", "0017_translated_names"))
    HistoricalTeam = state.apps.get_model("helpdesk", "Team")
    HistoricalCategory = state.apps.get_model("helpdesk", "Category")
    old_team = HistoricalTeam.objects.create(name="金蝶对接组 Kingdee", calendar_id=plan().calendar_id)
    old_category = HistoricalCategory.objects.create(
        name="凭证生成失败 Voucher generation fails", slug="voucher", description="仅中文说明"
    )
    fill_translation_columns(HistoricalTeam, ("name",))
    fill_translation_columns(HistoricalCategory, ("name", "description"))
    team, category = Team.objects.get(pk=old_team.pk), Category.objects.get(pk=old_category.pk)
    assert (team.name_zh_hans, team.name_en) == ("金蝶对接组", "Kingdee")
    assert (category.name_zh_hans, category.name_en) == ("凭证生成失败", "Voucher generation fails")
    assert (category.description_zh_hans, category.description_en) == ("仅中文说明", "")


def test_reports_group_teams_by_their_name_in_the_readers_language(monday_9am):
    team = Team.objects.create(name_zh_hans="金蝶对接组", name_en="Kingdee", calendar=plan().calendar)
    ticket = submit(requester=CustomerFactory(), now=monday_9am)
    Ticket.objects.filter(pk=ticket.pk).update(team=team)
    later = monday_9am + timedelta(hours=1)
    with translation.override("en"):
        english = [row.group for row in backlog_age(now=later, group_by="team")]
    with translation.override("zh-hans"):
        chinese = [row.group for row in backlog_age(now=later, group_by="team")]
    assert (english, chinese) == (["Kingdee"], ["金蝶对接组"])


def test_an_inserted_canned_response_is_in_the_customers_language_its_title_in_the_agents():
    macro = CannedResponse.objects.create(
        title_zh_hans="请提供日志",
        body_zh_hans="请附上日志。",
        title_en="Ask for the log",
        body_en="Please attach the log.",
    )
    customer = CustomerFactory()
    customer.customer_profile.language = "en"
    customer.customer_profile.save()
    ticket = submit(requester=customer)
    with translation.override("zh-hans"):  # the agent reads Chinese
        form = ReplyForm(ticket=ticket, data={"body": "", "canned": macro.pk, "kind": "public"})
        choices = [label for value, label in form.fields["canned"].choices if value]
        context = ticket_page_context(ticket=ticket, reply_form=form)
        form.is_valid()
        inserted = form.body_with_canned()
    assert choices == ["请提供日志"]
    assert context["canned"] == {str(macro.pk): "Please attach the log."}
    assert inserted == "Please attach the log."


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        ("admin:helpdesk_category_add", ("name_zh_hans", "name_en", "description_zh_hans", "description_en")),
        ("admin:helpdesk_slaplan_add", ("name_zh_hans", "name_en", "description_zh_hans", "description_en")),
        ("admin:helpdesk_team_add", ("name_zh_hans", "name_en")),
        ("admin:helpdesk_cannedresponse_add", ("title_zh_hans", "title_en", "body_zh_hans", "body_en")),
        (
            "admin:knowledgebase_category_add",
            ("name_zh_hans", "name_en", "description_zh_hans", "description_en"),
        ),
        ("admin:community_board_add", ("name_zh_hans", "name_en", "description_zh_hans", "description_en")),
    ],
)
def test_the_admin_edits_each_language_side_by_side(client, url, fields):
    client.force_login(AgentFactory(is_superuser=True))
    html = client.get(reverse(url)).content.decode()
    for field in fields:
        assert f'name="{field}"' in html
    # Each language pair shares one admin row.
    for first, second in zip(fields[::2], fields[1::2], strict=True):
        row = html.split(f'name="{first}"')[0].rsplit('class="form-row', 1)[1]
        assert f"field-{first}" in row and f"field-{second}" in row
    assert 'name="name"' not in html and 'name="title"' not in html


def test_an_english_name_may_be_blank_and_two_blank_ones_do_not_collide(client):
    client.force_login(AgentFactory(is_superuser=True))
    calendar = plan().calendar
    for name in ("金蝶对接组", "用友对接组"):
        response = client.post(
            reverse("admin:helpdesk_team_add"),
            {"name_zh_hans": name, "name_en": "", "email": "", "calendar": calendar.pk},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    assert set(Team.objects.filter(name_en__isnull=True).values_list("name_zh_hans", flat=True)) == {
        "用友对接组",
        "金蝶对接组",
    }


def test_the_chinese_admin_offers_no_untranslated_blank_choice(client):
    client.force_login(AgentFactory(is_superuser=True))
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("admin:helpdesk_category_add")).content.decode()
    assert "- Select an option -" not in html
    assert "- 请选择 -" in html
