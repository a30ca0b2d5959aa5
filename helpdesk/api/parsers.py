"""JSON that cannot hurt: bounded in size, nesting depth and number of items before parsing.

`json.loads` recurses once per nesting level, so 100,000 "[" raise RecursionError (a 500);
DRF reads the stream itself, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not apply either.
A linear scan refuses such bodies with a 400 (413 when too large) in the API's error shape.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


def check_json_shape(text: str, *, max_depth: int, max_items: int) -> None:
    """Raise ParseError when `text` nests deeper than `max_depth` or holds more than
    `max_items` values. Strings are skipped, escapes honoured; malformed JSON is left to
    the parser, which reports it."""
    depth = items = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            items += 1
            if depth > max_depth:
                raise ParseError(
                    _("The JSON body is nested too deeply (at most %(n)s levels).") % {"n": max_depth}
                )
        elif char in "]}":
            depth -= 1
        elif char == ",":
            items += 1
        if items > max_items:
            raise ParseError(_("The JSON body holds too many items (at most %(n)s).") % {"n": max_items})


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge(_("The request body is too large (at most %(n)s bytes).") % {"n": limit})
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(
                _("The JSON body is not valid %(encoding)s text.") % {"encoding": encoding}
            ) from exc
        check_json_shape(text, max_depth=settings.API_MAX_JSON_DEPTH, max_items=settings.API_MAX_JSON_ITEMS)
        try:
            return json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except ValueError as exc:
            raise ParseError(_("The JSON body is malformed: %(error)s") % {"error": exc}) from exc
