"""Attachments: metadata, and the download through the same access check as the site."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from helpdesk.models import Attachment
from helpdesk.selectors.tickets import access_attachment
from helpdesk.views import attachment_response

from ..base import ApiViewSetMixin
from ..permissions import TICKETS_READ
from ..renderers import FileRenderer
from ..serializers import AttachmentSerializer


class AttachmentViewSet(ApiViewSetMixin, viewsets.GenericViewSet):
    """One file of a ticket the caller may see (internal files: agents only); 404 otherwise."""

    read_scope = TICKETS_READ
    queryset = Attachment.objects.none()  # the model, for the schema; access_attachment reads
    serializer_class = AttachmentSerializer
    filter_backends = []

    def retrieve(self, request, pk=None):
        return Response(AttachmentSerializer(self._attachment(pk), context={"request": request}).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, FileRenderer])
    def download(self, request, pk=None):
        return attachment_response(self._attachment(pk))

    def finalize_response(self, request, response, *args, **kwargs):
        # A refusal is always the JSON error shape, even to a client that asked for the file.
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    def _attachment(self, pk):
        try:
            number = int(pk)
        except (TypeError, ValueError):
            number = 0
        return access_attachment(self.request.user, number)
