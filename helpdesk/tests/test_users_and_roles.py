"""Email login, roles, and who reaches the admin site."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.db import IntegrityError
from django.test import RequestFactory

from helpdesk.models import User
from helpdesk.roles import AGENTS, MANAGERS
from helpdesk.tests.factories import PASSWORD, AgentFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def test_login_by_email_is_case_insensitive():
    user = User.objects.create_user("Li.Na@Example.com", PASSWORD)
    assert user.email == "li.na@example.com"
    # Sign-ins are counted per request (django-axes), so authenticate() gets one.
    request = RequestFactory().post("/account/login/")
    assert authenticate(request, username="LI.NA@example.COM", password=PASSWORD) == user
    assert authenticate(request, username="li.na@example.com", password="wrong") is None


def test_emails_differing_only_in_case_are_one_account():
    User.objects.create_user("dup@example.com", PASSWORD)
    # The case-insensitive constraint refuses it (SQLite and PostgreSQL both name it).
    with pytest.raises(IntegrityError, match="user_email_ci_unique"):
        User.objects.bulk_create([User(email="DUP@example.com")])


def test_roles_exist_with_permissions_after_migrate():
    agents = Group.objects.get(name=AGENTS)
    managers = Group.objects.get(name=MANAGERS)
    agent_codes = set(agents.permissions.values_list("codename", flat=True))
    manager_codes = set(managers.permissions.values_list("codename", flat=True))
    assert {"view_ticket", "change_ticket", "add_ticketmessage"} <= agent_codes
    assert "view_reports" not in agent_codes
    assert {"view_reports", "change_slaplan", "change_team"} <= manager_codes
    assert "change_ticketevent" not in manager_codes


def test_customer_never_reaches_admin(client):
    client.force_login(CustomerFactory())
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_agent_reaches_admin(client):
    client.force_login(AgentFactory())
    assert client.get("/admin/").status_code == 200
