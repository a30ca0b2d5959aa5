"""Settings for the task workers that helpdesk/tests/test_worker_recovery.py starts and kills.

The development settings on a file database in KUAIXIANG_VAR_DIR, with a two-second outbox
lease so that a dead worker's row comes back quickly, and a mail backend the test steers.
"""

import os

from config.settings.dev import *  # noqa: F403

OUTBOX_LEASE_SECONDS = float(os.environ.get("OUTBOX_LEASE_SECONDS", "2"))
MAILERS = {"default": {"BACKEND": "helpdesk.tests.worker_mail.SteeredBackend"}}
