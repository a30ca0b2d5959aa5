"""docs/examples/erp_plugin_client.py against a live server: the plugin opens a ticket with
its diagnostics and log file, support answers, and the plugin's poll picks the answer up."""

import json
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta

import pytest

from core.clock import now

from .api_server import ROOT, gunicorn_server

CLIENT = ROOT / "docs" / "examples" / "erp_plugin_client.py"

SETUP = """
import json
from helpdesk.models import ApiScope
from helpdesk.services.api_keys import create_api_key
from helpdesk.tests.factories import AgentFactory, CategoryFactory, CustomerFactory
customer = CustomerFactory(email="erp@huaxin.example")
agent = AgentFactory(email="chen@vendor.example", full_name="Chen Gong")
CategoryFactory(slug="posting")
_k, plugin = create_api_key(owner=customer, name="ERP plugin", scopes=[ApiScope.TICKETS_READ, ApiScope.TICKETS_WRITE])
_k, support = create_api_key(owner=agent, name="CRM", scopes=[ApiScope.TICKETS_READ, ApiScope.TICKETS_WRITE])
print(json.dumps({"plugin": plugin, "support": support}))
"""

LOG = """2025-11-03 09:29:58 INFO  sync started: 12 receipts
2025-11-03 09:30:01 ERROR ERR-4012 account 1122 does not exist or is disabled (receipt SK-20251103-007)
2025-11-03 09:30:01 INFO  sync stopped
"""


def _api(url: str, key: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        url + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    with urllib.request.urlopen(request, timeout=20) as answer:
        return json.loads(answer.read())


@pytest.mark.xdist_group("api-parallel")
def test_the_erp_plugin_example_opens_a_ticket_with_its_log_and_gets_the_answer(tmp_path):
    log = tmp_path / "plugin.log"
    log.write_text(LOG, encoding="utf-8")
    occurred_at = (now() - timedelta(hours=1)).isoformat()
    with gunicorn_server(tmp_path, setup=SETUP) as (url, _database, keys):
        args = [
            sys.executable, str(CLIENT), "--base-url", url, "--key", keys["plugin"], "--category", "posting",
            "--plugin-version", "3.2.1", "--erp", "kingdee", "--erp-version", "K/3 Cloud 8.1",
            "--log", str(log), "--occurred-at", occurred_at, "--wait", "60", "--every", "0.5",
        ]  # fmt: skip
        plugin = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 30
            while not (tickets := _api(url, keys["support"], "/api/v1/tickets/")["results"]):
                assert time.monotonic() < deadline and plugin.poll() is None, plugin.communicate()
                time.sleep(0.3)
            ticket = tickets[0]
            files = _api(url, keys["support"], f"/api/v1/tickets/{ticket['id']}/attachments/")
            _api(
                url,
                keys["support"],
                f"/api/v1/tickets/{ticket['id']}/reply/",
                {"body": "科目 1122 已在金蝶中启用，请重试生成凭证。"},
            )
            out, err = plugin.communicate(timeout=30)
        finally:
            if plugin.poll() is None:
                plugin.kill()
        # Running it again (a retry) opens no second ticket: same diagnostics, same key.
        again = subprocess.run(args[:-4], capture_output=True, text=True, timeout=60)
        after = _api(url, keys["support"], "/api/v1/tickets/")["results"]

    assert plugin.returncode == 0, err
    assert out.splitlines()[0].startswith(f"{ticket['reference']} opened; first response due 20")
    assert out.splitlines()[-1] == "Chen: 科目 1122 已在金蝶中启用，请重试生成凭证。"
    assert (ticket["plugin_version"], ticket["erp_system"], ticket["erp_version"]) == (
        "3.2.1",
        "kingdee",
        "K/3 Cloud 8.1",
    )
    assert "ERR-4012" in ticket["error_message"] and "sync started" in ticket["environment"]
    assert [(f["name"], f["size"]) for f in files] == [("plugin.log", len(LOG.encode()))]
    assert again.returncode == 0 and again.stdout.startswith(ticket["reference"])
    assert [t["reference"] for t in after] == [ticket["reference"]]
