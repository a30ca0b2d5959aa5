"""A WSGI app for helpdesk/tests/test_worker_gunicorn_timeout.py only, never in config.urls.

`/hang` opens a write transaction through Django, inserts a row, then sleeps for an hour
while holding SQLite's write lock: a request that runs too long. `/write` inserts a row and
answers 200, which shows whether the database is writable again. The table `probe` is
created by the test in the SQLite file of KUAIXIANG_VAR_DIR.
"""

import time

import django

django.setup()

from django.db import connection, transaction  # noqa: E402  (after setup, as in a wsgi.py)


def _insert(note: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO probe (note) VALUES (%s)", [note])


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/hang":
        with transaction.atomic():
            _insert("hung request")
            time.sleep(3600)
    if path == "/write":
        with transaction.atomic():
            _insert("after")
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"written"]
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not here"]
