"""The OpenAPI schema names every error an operation can answer, each in the one Error shape."""

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA = {
    "type": "object",
    "description": "Every refusal of the API: a stable `code`, a translated `detail`, and for "
    "validation errors each field with its messages.",
    "properties": {
        "code": {"type": "string", "description": "A stable machine word: invalid, not_found, throttled …"},
        "detail": {"type": "string", "description": "What went wrong, in the request's language."},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Validation errors per field (`non_field_errors` for the request as a whole).",
        },
    },
    "required": ["code", "detail"],
}
DESCRIPTIONS = {
    "400": "Invalid input, or an unknown filter, ordering or parameter.",
    "401": "No valid credentials (an unknown or revoked key).",
    "403": "Not allowed (role, scope, or the forum's permissions).",
    "404": "Not found, or not visible to the caller.",
    "405": "Method not allowed.",
    "406": "Cannot answer in the media type asked for (Accept).",
    "409": "A conflict: a stale version, or an Idempotency-Key still in use.",
    "413": "The request body is too large.",
    "415": "Unsupported media type.",
    "422": "The Idempotency-Key was used for another request.",
    "429": "Too many requests; wait as long as Retry-After says.",
}
# 404 everywhere: a POST names other objects too (a board, the ticket to merge into).
ALWAYS = ("400", "401", "403", "404", "405", "406", "429")
WRITES = ("409", "413", "415", "422")


def _error(code: str) -> dict:
    response = {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": ERROR_REF}}}
    if code == "429":
        response["headers"] = {
            "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}
        }
    return response


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = list(ALWAYS)
            if method in {"post", "put", "patch"}:
                codes.extend(WRITES)
            for code in codes:
                operation["responses"].setdefault(code, _error(code))
    return result
