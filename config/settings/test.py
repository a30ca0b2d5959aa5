"""Test run: fast hashing, in-memory mail, tasks run immediately."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="kuaixiang-test-media-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests serve static files from the app directories; no collectstatic needed.
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="kuaixiang-test-static-"))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Assertions read English source strings unless a test asks for Chinese; the product default
# (zh-hans) is covered by config/tests/test_i18n.py.
LANGUAGE_CODE = "en"

# Search log (knowledgebase/services/search_log.py): each search is written right after its
# response, so a test sees it; nothing is written at interpreter exit (the test database is gone).
SEARCH_LOG_BATCH = 1
SEARCH_LOG_FLUSH_AT_EXIT = False
# Webhook and alert tests deliver to an http.server on 127.0.0.1.
OUTBOUND_HTTP_ALLOW_LOOPBACK = True
# Each test starts with no subscriptions cached (conftest); no reload in the middle of one.
INTEGRATIONS_CACHE_SECONDS = 3600
# seed_kb in tests does not record the demo videos (knowledgebase/tests/test_video_browser.py does).
KB_DEMO_VIDEOS = False
