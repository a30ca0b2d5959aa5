"""What a customer reads about a request's SLA: a merged request says where it went."""

from datetime import timedelta

import pytest
from django.urls import reverse

from helpdesk.services.tickets import merge_tickets
from helpdesk.tests.factories import AgentFactory, CustomerFactory, submit

pytestmark = pytest.mark.django_db


def test_a_request_merged_into_one_the_customer_cannot_see_says_merged_not_due(
    customer_client, customer, org, monday_9am
):
    mine = submit(requester=customer, now=monday_9am)
    colleagues = submit(requester=CustomerFactory(organization=org), now=monday_9am)
    merge_tickets(source=mine, target=colleagues, actor=AgentFactory(), now=monday_9am + timedelta(hours=1))
    url = reverse("portal:ticket_detail", kwargs={"reference": mine.reference})

    page = customer_client.get(url).content.decode()  # no redirect: the survivor is not theirs

    assert f"Merged into {colleagues.reference}" in page
    assert "due by" not in page and "on time" not in page
    page = customer_client.get(url, headers={"accept-language": "zh-hans"}).content.decode()
    assert f"已合并到 {colleagues.reference}" in page
