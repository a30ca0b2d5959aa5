"""Odd values the no-500 crawl sends: hostile path values, query strings and form fields."""

from urllib.parse import quote

from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter, UUIDConverter

# --- Odd input --------------------------------------------------------------------------------
# Path values are URL text: "%00" reaches the view as a NUL byte, "../x" never matches a `str`
# segment and so exercises the 404 page.
ODD_TEXT = [
    "%00",
    "../x",
    "KX-" + "9" * 12,
    "x" * 300,
    quote("凭证"),
    quote("' OR 1=1 --"),
]
ODD_INT = ["999999", "0", "9" * 25]
ODD_BY_CONVERTER = {
    IntConverter: ODD_INT,
    StringConverter: ODD_TEXT,
    SlugConverter: ODD_TEXT,
    PathConverter: [*ODD_TEXT, "999999"],  # the admin's object ids
    UUIDConverter: ["00000000-0000-0000-0000-000000000000", "not-a-uuid"],
}
ODD_SQL = quote("凭证' OR 1=1 --")
ODD_QUERIES = [
    "page=999999&q=%00x&ordering=-nonexistent",  # the NUL guard answers before any view
    f"page=999999&q={ODD_SQL}&ordering=-nonexistent&status=%3Cscript%3E&kind=..%2F..&"
    "created_after=2026-13-45&breached=maybe&score=11&old=x&new=-1&preview=1&next=https%3A%2F%2Fevil.example",
]
JSONISH = '{"category": [1, {"$gt": null}], "__proto__": {"is_staff": true}, "x": "\\u0000"}'
ODD_FORM = {
    "category": ["not-a-number", "999999"],
    "subject": "x" * 10_000,
    "body": "x" * 10_000,
    "symptoms": JSONISH,
    "occurred_at": "2026-13-45T99:99",
    "affected_users": "-1",
    "plugin_version": "<b>",
    "score": "11",
    "comment": JSONISH,
    "attempt": "not-a-uuid",
    "url": "javascript:alert(1)",
    "helpful": "maybe",
    "email": "not-an-email",
    "password": "x" * 10_000,
    "timezone": "Mars/Olympus",
    "language": "xx",
    "submission_key": "nope",
    "staging": "../../../",
    "staging_token": "../../../",
    "status": "nonexistent",
    "visibility": JSONISH,
    "action": "delete_selected",
    "_selected_action": ["999999", "x"],
    "q": "凭证' OR 1=1 --",
    "reason": JSONISH,
    "invite": "x" * 300,
    "next": "https://evil.example/",
}
