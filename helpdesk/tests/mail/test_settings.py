"""The EMAIL_* variables take effect in the settings `make run` uses, and in production."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def mailer(module: str, **env: str) -> dict:
    code = "import django; django.setup(); from django.conf import settings; import json; print(json.dumps(settings.MAILERS['default']))"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    environ.update(DJANGO_SETTINGS_MODULE=module, SECRET_KEY="s" * 50, **env)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_demo_writes_mail_to_files_only_while_no_smtp_host_is_set():
    assert mailer("config.settings.dev")["BACKEND"].endswith("filebased.EmailBackend")

    smtp = mailer(
        "config.settings.dev", EMAIL_HOST="smtp.example.com", EMAIL_PORT="2526", EMAIL_USE_TLS="true"
    )

    assert smtp["BACKEND"].endswith("smtp.EmailBackend")
    assert smtp["OPTIONS"]["host"] == "smtp.example.com"
    assert (smtp["OPTIONS"]["port"], smtp["OPTIONS"]["use_tls"]) == (2526, True)


@pytest.mark.parametrize("module", ["config.settings.dev", "config.settings.prod"])
def test_smtp_credentials_and_ssl_come_from_the_environment(module):
    options = mailer(
        module, EMAIL_HOST="mx.example.com", EMAIL_HOST_USER="kx", EMAIL_HOST_PASSWORD="pw", EMAIL_USE_SSL="1"
    )["OPTIONS"]

    assert (options["username"], options["password"], options["use_ssl"]) == ("kx", "pw", True)
