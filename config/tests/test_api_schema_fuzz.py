"""Schemathesis over the whole API schema, against a live test server: no 5xx anywhere, and
every answer (errors included) conforms to the schema.

Bounded: a few examples per operation, one worker (the live server's in-memory SQLite takes
one writer at a time) and a time budget, so both runs together stay under a minute and a half.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

from helpdesk.services.api_keys import create_api_key, scopes_for
from helpdesk.tests.api_world import make_world

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


@pytest.fixture
def generous_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min", "key": "100000/min"},
    }
    cache.clear()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["manager", "customer_a"])
def test_the_whole_schema_holds_under_generated_requests(live_server, generous_rates, who, tmp_path):
    world = make_world()
    owner = getattr(world, who)
    _key, plain = create_api_key(owner=owner, name="fuzz", scopes=scopes_for(owner))
    run = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{live_server.url}/api/schema/?format=json",
            "--url",
            live_server.url,
            "-H",
            f"Authorization: Bearer {plain}",
            "--checks",
            CHECKS,
            "--max-examples",
            "3",
            "--workers",
            "1",
            "--max-time",
            "25",
            "--seed",
            "12",
            "--request-timeout",
            "10",
            "--phases",
            "examples,coverage,fuzzing",
        ],
        capture_output=True,
        text=True,
        timeout=90,
        cwd=tmp_path,  # the CLI keeps a .schemathesis folder where it runs
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"schemathesis-{who}.txt").write_text(run.stdout + run.stderr)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "No issues found" in run.stdout or "passed" in run.stdout.lower(), run.stdout[-3000:]
