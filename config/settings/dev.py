"""Local development: `make run`."""

import os

from .base import *  # noqa: F403
from .base import SECRET_KEY, VAR_DIR, env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-kuaixiang"
# With EMAIL_HOST (or EMAIL_BACKEND) set, mail goes where base.py's MAILERS say; without,
# it is written to var/mail/*.eml instead of being sent.
if not (os.environ.get("EMAIL_HOST") or os.environ.get("EMAIL_BACKEND")):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
