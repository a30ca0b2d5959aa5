"""Odd input never ends in a 500: every public route, anonymous and signed in, GET and POST."""

import pytest

from helpdesk.tests.factories import AgentFactory, CustomerFactory, submit
from knowledgebase.tests.factories import article

pytestmark = pytest.mark.django_db

ODD = ["", "%00", "../../etc/passwd", "KX-", "KX-999999999999", "<script>", "凭证' OR 1=1 --", "x" * 3000]

GET_ROUTES = [
    "/",
    "/plans/",
    "/search/?q={v}",
    "/search/?q={v}&kind={v}&page={v}",
    "/kb/suggest/?q={v}&kind={v}",
    "/kb/",
    "/kb/category/{v}/",
    "/kb/a/{v}/",
    "/kb/faq/",
    "/kb/known-issues/?status={v}",
    "/kb/training/",
    "/tickets/?status={v}&q={v}&page={v}",
    "/tickets/{v}/",
    "/submit/",
    "/submit/suggestions/",
    "/submit/details/",
    "/submit/done/{v}/",
    "/rate/{v}/",
    "/account/activate/{v}/",
    "/account/login/?next={v}",
    "/helpdesk/attachments/999999/",
    "/api/v1/tickets/?status={v}&created_after={v}&breached={v}",
    "/api/v1/tickets/{v}/",
    "/admin/helpdesk/ticket/?q={v}&sla={v}&assignee={v}",
]
POST_ROUTES = [
    "/submit/",
    "/submit/details/",
    "/submit/quality/",
    "/tickets/{ref}/reply/",
    "/tickets/{ref}/resolve/",
    "/tickets/{ref}/reopen/",
    "/tickets/{ref}/rate/",
    "/kb/deflect/",
    "/kb/a/{slug}/vote/",
    "/kb/training/999999/signup/",
    "/account/register/",
    "/account/profile/",
    "/account/invite/",
    "/rate/{v}/",
]
GARBAGE = {
    "category": "not-a-number",
    "subject": "x" * 5000,
    "occurred_at": "2026-13-45T99:99",
    "affected_users": "-1",
    "plugin_version": "<b>",
    "score": "11",
    "attempt": "not-a-uuid",
    "url": "javascript:alert(1)",
    "helpful": "maybe",
    "email": "not-an-email",
    "timezone": "Mars/Olympus",
    "language": "xx",
    "submission_key": "nope",
    "staging_token": "../../../",
    "body": "",
}


@pytest.fixture
def world():
    customer = CustomerFactory()
    ticket = submit(requester=customer)
    return customer, ticket, article()


@pytest.mark.parametrize("who", ["anonymous", "customer", "agent"])
def test_no_route_answers_500_to_odd_input(client, world, who):
    customer, ticket, item = world
    if who == "customer":
        client.force_login(customer)
    elif who == "agent":
        client.force_login(AgentFactory())
    failures = []
    for route in GET_ROUTES:
        for value in ODD:
            url = route.format(v=value)
            status = client.get(url).status_code
            if status >= 500:
                failures.append(("GET", url[:80], status))
    for route in POST_ROUTES:
        for value in ODD[:3]:
            url = route.format(v=value, ref=ticket.reference, slug=item.slug)
            status = client.post(url, GARBAGE).status_code
            if status >= 500:
                failures.append(("POST", url[:80], status))
    assert failures == []


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/kb/category/%00/", None),
        ("get", "/search/?q=a%00b", None),
        ("post", "/account/register/", {"email": "a\x00@example.com"}),
    ],
)
def test_a_nul_byte_anywhere_is_a_400(client, method, url, data):
    response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    assert response.status_code == 400
