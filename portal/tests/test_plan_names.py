"""The confirmation names the plan in the reader's language (the plan's names are
snapshotted per language when the ticket is opened; helpdesk/sla/clock.py)."""

import pytest
from django.urls import reverse
from django.utils import translation

from helpdesk.tests.factories import CustomerFactory, OrganizationFactory, plan, submit
from portal.selectors import first_response_promise

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "plan_name"), [("zh-hans", "高级"), ("en", "Advanced")])
def test_the_confirmation_names_the_plan_in_the_readers_language(language, plan_name):
    # Submitted by someone reading English; read back by someone reading Chinese, and vice versa.
    with translation.override("en" if language == "zh-hans" else "zh-hans"):
        ticket = submit(requester=CustomerFactory(organization=OrganizationFactory(sla_plan=plan())))
    with translation.override(language):
        assert first_response_promise(ticket=ticket).plan_name == plan_name


def test_the_chinese_confirmation_reads_your_advanced_plan(client):
    customer = CustomerFactory(organization=OrganizationFactory(sla_plan=plan()))
    ticket = submit(requester=customer)
    client.force_login(customer)
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("portal:submit_done", kwargs={"reference": ticket.reference})).content.decode()
    assert "您的高级方案" in html
    assert "Advanced" not in html
