"""Production settings and the headers every answer carries."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from helpdesk.api.negotiation import BrowsableForStaffOnly
from helpdesk.tests.factories import AgentFactory, CustomerFactory

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": "x" * 20 + "-a-long-random-production-key-9f3k2j1h0g",
        "ALLOWED_HOSTS": "support.example.com",
        "KUAIXIANG_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_signed_in_pages_and_the_api_are_never_stored_by_caches(client):
    anonymous = client.get(reverse("portal:home"))
    assert "no-store" not in anonymous.get("Cache-Control", "")
    client.force_login(CustomerFactory())
    assert "no-store" in client.get(reverse("portal:home"))["Cache-Control"]
    assert "no-store" in client.get("/api/v1/tickets/")["Cache-Control"]


@pytest.mark.django_db
def test_pages_may_not_be_framed_and_scripts_come_from_us_only(client):
    policy = client.get(reverse("portal:home"))["Content-Security-Policy"]
    for directive in ("frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'", "script-src 'self'"):
        assert directive in policy
    assert "unsafe-inline" not in policy


@pytest.mark.django_db
def test_the_browsable_api_is_offered_to_staff_only_in_production():
    # Production sets this class (config/settings/prod.py); views bind it at import, so it
    # is exercised directly here.
    renderers = [JSONRenderer(), BrowsableAPIRenderer()]
    negotiation = BrowsableForStaffOnly()
    for user, expected in ((CustomerFactory(), JSONRenderer), (AgentFactory(), BrowsableAPIRenderer)):
        browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        request = Request(APIRequestFactory().get("/api/v1/tickets/", HTTP_ACCEPT=browser))
        request.user = user
        renderer, _media = negotiation.select_renderer(request, renderers)
        assert isinstance(renderer, expected)
