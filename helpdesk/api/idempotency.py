"""`Idempotency-Key` on every POST of the API (helpdesk.services.idempotency holds the rules).

The first request with a key runs and its successful answer is kept; a retry with the same
key gets that answer again (with `Idempotent-Replayed: true`) and writes nothing. A retry
that arrives while the first is still running waits for its answer.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.utils import encoders, json

from helpdesk.services import idempotency

HEADER = "Idempotency-Key"

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    description=(
        "Makes the POST safe to retry: the same key (per user, at most 200 characters) returns "
        "the first answer and writes nothing again."
    ),
)


class KeyConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_key_in_use"


class KeyMismatch(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


class _Replayed(Exception):
    def __init__(self, replay: idempotency.Replay) -> None:
        self.replay = replay


class IdempotentPostMixin:
    # For viewsets: claims the key after authentication, keeps or forgets the answer. (A
    # comment, not a docstring: drf-spectacular would show it on every operation.)

    _idempotency_claim = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._idempotency_claim = None
        key = (request.headers.get(HEADER) or "").strip()
        if request.method != "POST" or not key:
            return
        try:
            result = idempotency.claim(user=request.user, key=key, method=request.method, path=request.path)
        except idempotency.KeyInUse as exc:
            raise KeyConflict(exc.messages[0], code="idempotency_key_in_use") from exc
        except idempotency.KeyReused as exc:
            raise KeyMismatch(exc.messages[0], code="idempotency_key_reused") from exc
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        if isinstance(result, idempotency.Replay):
            raise _Replayed(result)
        self._idempotency_claim = result

    def handle_exception(self, exc):
        if isinstance(exc, _Replayed):
            return Response(
                exc.replay.response, status=exc.replay.status_code, headers={"Idempotent-Replayed": "true"}
            )
        try:
            return super().handle_exception(exc)
        except Exception:
            self._forget()
            raise

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        claim, self._idempotency_claim = self._idempotency_claim, None
        if claim is not None:
            if 200 <= response.status_code < 300 and isinstance(response, Response):
                data = json.loads(json.dumps(response.data, cls=encoders.JSONEncoder))
                idempotency.complete(request=claim, status_code=response.status_code, response=data)
            else:
                idempotency.release(request=claim)
        return response

    def _forget(self) -> None:
        claim, self._idempotency_claim = self._idempotency_claim, None
        if claim is not None:
            idempotency.release(request=claim)
