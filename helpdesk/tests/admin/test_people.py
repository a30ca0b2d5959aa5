from django.urls import reverse

from helpdesk.models import User
from helpdesk.tests.factories import CustomerFactory, TeamFactory


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


def test_user_list_shows_groups_without_a_query_per_row(admin_client, db, django_assert_max_num_queries):
    CustomerFactory.create_batch(3)
    admin_client.get(reverse("admin:helpdesk_user_changelist"))
    with django_assert_max_num_queries(20) as few:
        admin_client.get(reverse("admin:helpdesk_user_changelist"))
    CustomerFactory.create_batch(10)

    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(reverse("admin:helpdesk_user_changelist"))


def test_organization_list_counts_members_in_one_query(admin_client, db, django_assert_max_num_queries):
    CustomerFactory.create_batch(2)
    admin_client.get(reverse("admin:helpdesk_organization_changelist"))
    with django_assert_max_num_queries(20) as few:
        response = admin_client.get(reverse("admin:helpdesk_organization_changelist"))
    assert [org.kx_member_count for org in response.context["cl"].result_list] == [1, 1]
    CustomerFactory.create_batch(8)

    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(reverse("admin:helpdesk_organization_changelist"))


def test_team_form_saves_erp_skills_as_codes(admin_client, db):
    team = TeamFactory()

    response = admin_client.post(
        reverse("admin:helpdesk_team_change", args=[team.pk]),
        {
            "name": team.name,
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
