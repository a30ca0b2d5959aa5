"""A mail backend for worker processes under test, steered by WORKER_MAIL_MODE:

- "record": append each accepted message to $KUAIXIANG_VAR_DIR/sent.jsonl (an SMTP server
  that accepts everything);
- "hang": write $KUAIXIANG_VAR_DIR/hung and never return (an SMTP server that stops
  answering mid-conversation), so the test can kill the worker mid-send.
"""

import json
import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class SteeredBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        var = Path(os.environ["KUAIXIANG_VAR_DIR"])
        if os.environ.get("WORKER_MAIL_MODE") == "hang":
            (var / "hung").write_text(str(os.getpid()))
            time.sleep(3600)
        with (var / "sent.jsonl").open("a", encoding="utf-8") as log:
            for message in email_messages:
                record = {"message_id": message.extra_headers.get("Message-ID"), "subject": message.subject}
                log.write(json.dumps(record, ensure_ascii=False) + "\n")
        return len(email_messages)
