#!/usr/bin/env python3
"""Open a Kuaixiang support ticket from inside the ERP plugin, with its diagnostics, then
wait for support's answer.

Standard library only, so the plugin can ship it as it is:

    python erp_plugin_client.py --base-url https://support.example.com --key kx_… \
        --category posting --plugin-version 3.2.1 --erp kingdee --erp-version "K/3 Cloud 8.1" \
        --log /path/to/plugin.log --wait 3600

The key is an API key with the scopes tickets:read and tickets:write (the portal's profile
page creates one). The request carries an Idempotency-Key derived from the error and the
log, so a retry after a dropped connection returns the same ticket instead of opening a
second one. Exit status: 0 when support answered (the answer is printed), 2 when the wait
ran out, 1 when the ticket was refused (the per-field messages are printed).
"""

import argparse
import hashlib
import json
import mimetypes
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

LAST_LINES = 40


class ApiError(Exception):
    def __init__(self, status: int, body: dict) -> None:
        super().__init__(body.get("detail", f"HTTP {status}"))
        self.status, self.body = status, body


class Kuaixiang:
    def __init__(self, base_url: str, key: str, *, language: str = "zh-hans", timeout: float = 30) -> None:
        self.base_url = base_url.rstrip("/")
        self.headers = {
            "Authorization": f"Bearer {key}",
            "Accept": "application/json",
            "Accept-Language": language,
        }
        self.timeout = timeout

    def _call(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None
    ) -> dict:
        request = urllib.request.Request(
            self.base_url + path, data=body, method=method, headers={**self.headers, **(headers or {})}
        )
        for attempt in range(5):
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                    return json.loads(answer.read() or b"null")
            except urllib.error.HTTPError as answer:
                payload = json.loads(answer.read() or b"{}")
                if answer.code == 429 and attempt < 4:
                    time.sleep(int(answer.headers.get("Retry-After", "5")))
                    continue
                raise ApiError(answer.code, payload) from None
        raise AssertionError("unreachable")

    def open_ticket(self, fields: dict, files: list[Path], *, idempotency_key: str) -> dict:
        """POST /api/v1/tickets/ as multipart: the description fields and the files."""
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            if isinstance(value, bool):
                value = "true" if value else "false"
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for path in files:
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{path.name}"\r\n'
                f"Content-Type: {kind}\r\n\r\n"
            )
            parts.append(head.encode() + path.read_bytes() + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Idempotency-Key": idempotency_key,
        }
        return self._call("POST", "/api/v1/tickets/", body=body, headers=headers)

    def messages(self, ticket_id: int) -> list[dict]:
        return self._call("GET", f"/api/v1/tickets/{ticket_id}/messages/")

    def wait_for_answer(self, ticket_id: int, *, wait: float, every: float) -> dict | None:
        """Poll the conversation until support writes a public reply; None when `wait` runs out."""
        deadline = time.monotonic() + wait
        while True:
            answers = [m for m in self.messages(ticket_id) if m["kind"] == "public_reply"]
            if answers:
                return answers[0]
            if time.monotonic() + every > deadline:
                return None
            time.sleep(every)


def last_lines(path: Path, count: int = LAST_LINES) -> str:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(lines[-count:])


def diagnostics_ticket(args) -> tuple[dict, str]:
    """The ticket's fields from the plugin's diagnostics, and an idempotency key for them."""
    log = Path(args.log)
    tail = last_lines(log)
    errors = [line for line in tail.splitlines() if "ERROR" in line or "ERR-" in line]
    error_text = errors[-1] if errors else ""
    fields = {
        "category": args.category,
        "subject": args.subject or f"插件 {args.plugin_version} 报错：{error_text[:60] or '凭证生成失败'}",
        "symptoms": args.symptoms,
        "long_standing": False,
        "occurred_at": args.occurred_at,
        "error_message": error_text or tail[-2000:],
        "no_error_shown": not (error_text or tail),
        "steps_to_reproduce": args.steps,
        "expected_result": args.expected,
        "actual_result": args.actual,
        "environment": f"plugin {args.plugin_version}; {args.erp} {args.erp_version}\n\nLast log lines:\n{tail}",
        "erp_system": args.erp,
        "erp_version": args.erp_version,
        "plugin_version": args.plugin_version,
    }
    fields = {name: value for name, value in fields.items() if value not in (None, "")}
    # The same error and log give the same key: a retry opens no second ticket.
    key = hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:40]
    return fields, f"erp-plugin-{key}"


def parse(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--key", required=True, help="an API key with tickets:read and tickets:write")
    parser.add_argument("--category", required=True, help="a category slug (GET /api/v1/categories/)")
    parser.add_argument("--plugin-version", required=True)
    parser.add_argument("--erp", required=True, help="kingdee, yonyou, sap, oracle, inspur …")
    parser.add_argument("--erp-version", required=True)
    parser.add_argument("--log", required=True, help="the plugin's log file; attached and quoted")
    parser.add_argument("--occurred-at", default=None, help="ISO 8601, e.g. 2025-11-03T09:30:00+08:00")
    parser.add_argument("--subject", default="")
    parser.add_argument(
        "--symptoms", default="插件在生成收款凭证时失败，收款单没有生成凭证，财务人员无法继续过账。"
    )
    parser.add_argument(
        "--steps", default="1. 在 ERP 中打开收款单 2. 点击插件的“生成凭证” 3. 插件报错，凭证没有生成"
    )
    parser.add_argument("--expected", default="凭证生成并过账")
    parser.add_argument("--actual", default="插件报错，凭证没有生成")
    parser.add_argument("--wait", type=float, default=0, help="seconds to wait for support's answer")
    parser.add_argument("--every", type=float, default=60, help="seconds between polls")
    parser.add_argument("--language", default="zh-hans", help="the language of error messages")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    client = Kuaixiang(args.base_url, args.key, language=args.language)
    fields, key = diagnostics_ticket(args)
    if not args.occurred_at:
        fields["long_standing"] = True
    try:
        ticket = client.open_ticket(fields, [Path(args.log)], idempotency_key=key)
    except ApiError as refused:
        print(refused.body.get("detail", ""), file=sys.stderr)
        for field, messages in refused.body.get("errors", {}).items():
            for message in messages:
                print(f"  {field}: {message}", file=sys.stderr)
        return 1
    print(f"{ticket['reference']} opened; first response due {ticket['first_response_due_at']}")
    if args.wait <= 0:
        return 0
    answer = client.wait_for_answer(ticket["id"], wait=args.wait, every=args.every)
    if answer is None:
        print(f"No answer yet on {ticket['reference']}.")
        return 2
    print(f"{answer['author']}: {answer['body']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
