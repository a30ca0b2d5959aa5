"""A solved topic reaches the integrators' endpoints that subscribe to topic.solved."""

import json

import pytest

from community.services import solutions
from helpdesk.models import OutboundRequest, WebhookEvent
from helpdesk.services import webhooks

from .factories import reply

pytestmark = pytest.mark.django_db


def test_marking_a_solution_sends_topic_solved_to_subscribed_endpoints(question, helper):
    webhooks.create_endpoint(
        name="CRM", url="http://127.0.0.1:18039/", events=[WebhookEvent.TOPIC_SOLVED], actor=None
    )
    answer = reply(topic=question, author=helper)
    solutions.mark_solution(topic=question, post=answer, actor=question.author)
    row = OutboundRequest.objects.get()
    payload = json.loads(row.body)
    assert (row.event, payload["type"]) == ("topic.solved", "topic.solved")
    assert payload["data"]["topic"]["id"] == question.pk
    assert payload["data"]["topic"]["solution_post_id"] == answer.pk
    assert payload["data"]["topic"]["url"].endswith(question.get_absolute_url())


def test_no_endpoint_no_delivery(question, helper):
    answer = reply(topic=question, author=helper)
    solutions.mark_solution(topic=question, post=answer, actor=question.author)
    assert not OutboundRequest.objects.exists()
