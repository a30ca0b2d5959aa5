"""Two POSTs with one Idempotency-Key at the same moment, in two server processes: one
ticket, one reply, and both callers get the same answer."""

import json
import sqlite3
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from .api_server import gunicorn_server

SETUP = """
import json
from helpdesk.models import ApiScope
from helpdesk.services.api_keys import create_api_key
from helpdesk.tests.factories import CategoryFactory, CustomerFactory, submit
customer = CustomerFactory(email="erp@huaxin.example")
CategoryFactory(slug="posting")
ticket = submit(requester=customer)
_key, plain = create_api_key(owner=customer, name="ERP", scopes=[ApiScope.TICKETS_READ, ApiScope.TICKETS_WRITE])
print(json.dumps({"key": plain, "ticket": ticket.pk}))
"""

TICKET = {
    "category": "posting",
    "subject": "插件回写超时：收款单没有生成凭证",
    "symptoms": "在金蝶云星空中点击生成凭证后，收款单没有生成凭证，界面弹出红色错误提示框，当天所有收款单都无法过账。",
    "long_standing": True,
    "error_message": "ERR-4012: 科目 1122 不存在或已禁用",
    "steps_to_reproduce": "1. 打开收款单列表 2. 选择收款单 3. 点击生成凭证 4. 查看弹出的错误",
    "expected_result": "凭证生成并自动过账",
    "actual_result": "弹出错误，凭证没有生成",
    "erp_system": "kingdee",
    "erp_version": "K/3 Cloud 8.1",
    "plugin_version": "3.2.1",
}
AT_ONCE = 4


def _post(url: str, key: str, body: dict, idempotency_key: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "Idempotency-Key": idempotency_key,
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as answer:
        return answer.code, json.loads(answer.read())


def _at_once(call) -> list[tuple[int, dict]]:
    start = threading.Barrier(AT_ONCE)

    def go(_n):
        start.wait(timeout=10)
        return call()

    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        return list(pool.map(go, range(AT_ONCE)))


@pytest.fixture
def server(tmp_path):
    with gunicorn_server(tmp_path, setup=SETUP) as running:
        yield running


@pytest.mark.xdist_group("api-parallel")
def test_parallel_posts_with_one_key_write_once_and_answer_alike(server):
    url, database, seeded = server
    created = _at_once(lambda: _post(url + "/api/v1/tickets/", seeded["key"], TICKET, "erp-run-1"))
    replied = _at_once(
        lambda: _post(
            f"{url}/api/v1/tickets/{seeded['ticket']}/reply/",
            seeded["key"],
            {"body": "补充：日志见附件。"},
            "erp-reply-1",
        )
    )

    assert {status for status, _body in created} == {201}, created
    assert len({body["id"] for _status, body in created}) == 1
    assert {status for status, _body in replied} == {201}, replied
    assert len({body["id"] for _status, body in replied}) == 1
    with sqlite3.connect(database) as db:
        tickets = db.execute(
            "SELECT COUNT(*) FROM helpdesk_ticket WHERE subject = ?", [TICKET["subject"]]
        ).fetchone()[0]
        replies = db.execute(
            "SELECT COUNT(*) FROM helpdesk_ticketmessage WHERE ticket_id = ? AND kind = 'customer_reply'",
            [seeded["ticket"]],
        ).fetchone()[0]
    assert (tickets, replies) == (1, 1)
