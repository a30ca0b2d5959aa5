"""A renderer that lets a client ask for a file (Accept: application/octet-stream).

The download itself is a FileResponse and is not rendered; only a refusal is, and it is
written as the API's JSON error shape whatever the client asked for.
"""

from rest_framework.renderers import BaseRenderer
from rest_framework.utils import encoders, json


class FileRenderer(BaseRenderer):
    media_type = "application/octet-stream"
    format = "file"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data, cls=encoders.JSONEncoder, ensure_ascii=False).encode()
