import pytest
from django.urls import reverse

from helpdesk.models import User
from helpdesk.roles import AGENTS
from helpdesk.tests.factories import AgentFactory, CustomerFactory, OrganizationFactory, TeamFactory


def test_superuser_adds_a_user_with_email_and_password(admin_client, db):
    response = admin_client.post(
        reverse("admin:helpdesk_user_add"),
        {
            "email": "Zhang.Wei@Vendor.example",
            "full_name": "张伟",
            "is_staff": "on",
            "usable_password": "true",
            "password1": "ganzhou-river-2025",
            "password2": "ganzhou-river-2025",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="zhang.wei@vendor.example")
    assert user.is_staff and user.check_password("ganzhou-river-2025")


def test_adding_a_user_with_an_existing_email_in_other_case_is_refused(admin_client, db):
    CustomerFactory(email="li.na@example.com")

    response = admin_client.post(
        reverse("admin:helpdesk_user_add"),
        {
            "email": "LI.NA@example.com",
            "usable_password": "true",
            "password1": "ganzhou-river-2025",
            "password2": "ganzhou-river-2025",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"]
    assert User.objects.filter(email__iexact="li.na@example.com").count() == 1


USER_LIST_QUERIES = 7


@pytest.mark.parametrize("rows", [1, 5])
def test_user_list_shows_groups_without_a_query_per_row(admin_client, rows, django_assert_num_queries):
    CustomerFactory.create_batch(rows)
    AgentFactory.create_batch(rows)  # agents are in a group: the groups column has something to show
    admin_client.get(reverse("admin:helpdesk_user_changelist"))  # warm per-process caches

    with django_assert_num_queries(USER_LIST_QUERIES):
        response = admin_client.get(reverse("admin:helpdesk_user_changelist"))

    assert response.status_code == 200
    users = response.context["cl"].result_list
    assert len(users) == 2 * rows + 1  # and the superuser
    assert sum([group.name for group in user.groups.all()] == [AGENTS] for user in users) == rows


ORGANIZATION_LIST_QUERIES = 7


@pytest.mark.parametrize("rows", [1, 5])
def test_organization_list_counts_members_in_one_query(admin_client, rows, django_assert_num_queries):
    for _ in range(rows):
        organization = OrganizationFactory()
        CustomerFactory.create_batch(2, organization=organization)
    admin_client.get(reverse("admin:helpdesk_organization_changelist"))  # warm per-process caches

    with django_assert_num_queries(ORGANIZATION_LIST_QUERIES):
        response = admin_client.get(reverse("admin:helpdesk_organization_changelist"))

    assert response.status_code == 200
    assert [org.kx_member_count for org in response.context["cl"].result_list] == [2] * rows


def test_team_form_saves_erp_skills_as_codes(admin_client, db):
    team = TeamFactory()

    response = admin_client.post(
        reverse("admin:helpdesk_team_change", args=[team.pk]),
        {
            "name_zh_hans": "金蝶对接组",
            "name_en": team.name,
            "email": "",
            "lead": "",
            "calendar": team.calendar_id,
            "erp_systems": ["kingdee", "sap"],
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    team.refresh_from_db()
    assert team.erp_systems == ["kingdee", "sap"]
