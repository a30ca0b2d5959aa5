"""Settings shared by every environment; values that differ per deployment come from the environment.

`dev`, `test` and `prod` only override. Business rules (SLA targets, hours, holidays) are rows
edited in admin, never settings.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("KUAIXIANG_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# Project apps first: where two catalogues translate the same English text (Django's admin
# says 概览 for "Summary"), the earlier app wins, and ours know their context.
INSTALLED_APPS = [
    # Before the project apps and the admin: it registers the translated fields (translation.py
    # of each app) in its ready(), before any app's ready() builds its ModelAdmins.
    "modeltranslation",
    "core",
    "search",
    "helpdesk",
    "knowledgebase",
    "community",
    "portal",
    "chat",
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc as local static files, never a CDN
    "django_tasks_db",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.RejectNullBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "core.middleware.UserTimezoneMiddleware",
    "core.middleware.NoStoreWhenSignedInMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.maintenance",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite by default. WAL + IMMEDIATE transactions + a busy timeout: without them concurrent
# writers (web + task worker + SLA watcher) fail with "database is locked".
SQLITE_OPTIONS = {
    "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"),
    "transaction_mode": "IMMEDIATE",
    "timeout": 5,
}


def database_from_env(default_path: Path) -> dict:
    url = os.environ.get("DATABASE_URL")
    if not url:
        default_path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{default_path}"
    config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # dj_database_url does not add these for sqlite:// URLs.
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    return config


DATABASES = {"default": database_from_env(VAR_DIR / "kuaixiang.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "helpdesk.User"
# Axes refuses locked-out sign-ins and the gate counts each attempt before the password is
# checked (see "Login lockout" below); neither signs anyone in.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "portal.security.LoginAttemptGate",
    "helpdesk.backends.EmailBackend",
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- i18n / time ----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Translated content (django-modeltranslation) ------------------------------------------
# Names and descriptions editors type (categories, plans, teams, boards, canned responses, KB
# categories) have a column per language; the viewer's language is shown, else the other one.
MODELTRANSLATION_DEFAULT_LANGUAGE = "zh-hans"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("zh-hans", "en")
# Slugs are URL segments: prepopulate them from the English name.
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "en"


def _label_per_language(verbose_name, language: str):
    """Admin labels of the columns per language: "name · English", "name · 简体中文"."""
    from django.utils.text import format_lazy

    return format_lazy("{} · {}", verbose_name, dict(LANGUAGES)[language])


MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = _label_per_language
# --- end of translated content --------------------------------------------------------------

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Media is never served by URL: attachments go through a view that checks access.
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The largest form without its files (a long description, a long reply) is far below 2.5 MB;
# files are streamed to disk and checked per file (ATTACHMENT_MAX_BYTES).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    # Exactly the players knowledgebase.media.embeds builds URLs for (a test holds them equal).
    "frame-src": ["https://player.bilibili.com", "https://v.qq.com", "https://www.youtube-nocookie.com"],
    "media-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # the pages' scripts read the token from the form, not the cookie
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
REFERRER_POLICY = "same-origin"

# --- Email (every mail goes through the OutboundEmail outbox) -------------------------------
# Django 6.1 mailers; the SMTP server comes from the environment.
MAILERS = {
    "default": {
        "BACKEND": os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "127.0.0.1"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "use_ssl": env_bool("EMAIL_USE_SSL", False),
            "timeout": int(os.environ.get("EMAIL_TIMEOUT", "10")),
        },
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Kuaixiang 快响 <support@example.com>")
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Inbound mail (helpdesk/mail/). Replies go to a signed form of this address
# (support+KX-000123.<signature>@…); blank: DEFAULT_FROM_EMAIL's address.
MAIL_REPLY_ADDRESS = os.environ.get("MAIL_REPLY_ADDRESS", "")
MAIL_MAX_BYTES = int(os.environ.get("MAIL_MAX_BYTES", str(25 * 1024 * 1024)))
MAIL_SENDER_LIMIT = int(os.environ.get("MAIL_SENDER_LIMIT", "20"))  # messages per sender per window
MAIL_SENDER_WINDOW_SECONDS = int(os.environ.get("MAIL_SENDER_WINDOW_SECONDS", "3600"))

# --- Cache ----------------------------------------------------------------------------------
# Rate limits, lockouts and cross-process caches must hold across processes: the database
# cache in the embedded default (its table is made by core's migration 0001), a shared
# cache such as Redis when scaled out (CACHE_URL=redis://…).
CACHE_TABLE = "kuaixiang_cache"
if os.environ.get("CACHE_URL", "").startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CACHE_URL"],
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            # Rate-limit counters must not be culled by a flood of other keys (the default
            # keeps 300 entries and deletes live ones past that).
            "OPTIONS": {"MAX_ENTRIES": 200_000, "CULL_FREQUENCY": 10},
        }
    }

# --- Login lockout (django-axes) ----------------------------------------------------------
# Every sign-in that goes through django.contrib.auth.authenticate (portal, /admin/login/) is
# counted by username and, separately, by client IP: 5 failures lock that username, or that
# IP, for 15 minutes. portal.security holds the callables and the attempt gate that keeps the
# limit under parallel requests; the records are rows (AccessAttempt), not process memory.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False  # no "AXES: BEGIN" banner on every manage.py command
AXES_ENABLE_ADMIN = False  # registered on the project admin site instead (portal/admin.py)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The forms post the email as "username"; the callable lower-cases it, so every spelling of
# an address shares one counter.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "portal.security.login_username"
# Reset on success, but only for the account that signed in: portal.security.forget_failures.
# Axes's own reset would also clear the IP's failures against every other account.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "portal.security.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# The client IP: REMOTE_ADDR, and X-Forwarded-For only as far as TRUSTED_PROXY_COUNT proxies
# vouch for it (the entry that many places from the right). Axes's AXES_IPWARE_* settings do
# nothing unless the optional django-ipware is installed, so one callable reads the address
# for axes and for the registration and reset limits alike.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "portal.security.client_ip"
# --- end of login lockout -------------------------------------------------------------------

# --- Background tasks -----------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # No BasicAuthentication: an integration must not store a person's password; it uses
        # an API key (helpdesk/api/authentication.py), which its owner can revoke alone.
        "helpdesk.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        # A key may do only what its scopes allow; each viewset names the scopes it needs.
        "helpdesk.api.permissions.HasKeyScope",
    ],
    # Counted in the default cache, shared by every worker; client addresses come from
    # core.http.client_ip (TRUSTED_PROXY_COUNT), so a forged X-Forwarded-For gains nothing.
    "DEFAULT_THROTTLE_CLASSES": [
        "helpdesk.api.throttles.AnonThrottle",
        "helpdesk.api.throttles.UserThrottle",
        "helpdesk.api.throttles.KeyThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "600/min", "key": "600/min"},
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "helpdesk.api.pagination.NumberedPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Bodies are size-, depth- and item-bounded before json.loads (helpdesk/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "helpdesk.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # One error shape for every refusal: {"code", "detail", "errors"} (helpdesk/api/errors.py).
    "EXCEPTION_HANDLER": "helpdesk.api.errors.exception_handler",
}
API_MAX_JSON_DEPTH = 32
API_MAX_JSON_ITEMS = 10_000
SPECTACULAR_SETTINGS = {
    "TITLE": "Kuaixiang 快响 API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # --- API docs (issue 12) ---
    "DESCRIPTION": (
        "Tickets, knowledge base, forum and reports for integrators. Authenticate with an API "
        "key (`Authorization: Bearer kx_…`); every error has the shape of `Error`; every POST "
        "takes an `Idempotency-Key`. The guide is docs/api.md in the repository."
    ),
    # Tags from the segment after /api/v1/: tickets, kb, forum, reports, search …
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "helpdesk.models.choices.Status",
        "PriorityEnum": "helpdesk.models.choices.Priority",
        "ArticleKindEnum": "knowledgebase.models.choices.Kind",
        "MessageKindEnum": "helpdesk.models.TicketMessage.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "helpdesk.api.schema.add_error_responses",
    ],
}

# --- Helpdesk rules that are deployment facts, not business rules ---------------------------
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
ATTACHMENT_MAX_PER_MESSAGE = 5
OUTBOX_MAX_ATTEMPTS = 8
# How long a worker's claim on a mail keeps other workers off it; a claim whose worker died
# expires after this (docs/operations.md, "Mail: the outbox lease").
OUTBOX_LEASE_SECONDS = 45

# --- Outgoing webhooks and chat alerts (helpdesk/services/integrations.py) -------------------
# Plain http to 127.0.0.1 / localhost, for a local receiver: tests and development (DEBUG).
OUTBOUND_HTTP_ALLOW_LOOPBACK = env_bool("OUTBOUND_HTTP_ALLOW_LOOPBACK", False)
OUTBOUND_HTTP_TIMEOUT_SECONDS = 10
# How long a process trusts its copy of who subscribes to what (edits in this process apply
# at once; other processes pick them up within this many seconds).
INTEGRATIONS_CACHE_SECONDS = 30

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

ADMIN_SITE_TITLE = _("Kuaixiang Service Desk")

# --- Knowledge-base videos (issue 14) ---------------------------------------------------------
# Uploaded tutorial videos are streamed to disk (never held in memory) and checked by type.
KB_VIDEO_MAX_BYTES = int(os.environ.get("KB_VIDEO_MAX_BYTES", str(200 * 1024 * 1024)))
# seed_kb records the demo's video tutorials (headless Chromium) once into VAR_DIR/demo-videos/.
KB_DEMO_VIDEOS = env_bool("KB_DEMO_VIDEOS", True)

# --- Live chat (chat/, docs/architecture.md "Live chat") -------------------------------------
# The websocket half is served by daphne (config.asgi) beside gunicorn; the page connects to
# CHAT_WEBSOCKET_URL, or when blank to the same host on CHAT_PORT (scripts/run.sh starts it).
ASGI_APPLICATION = "config.asgi.application"
CHAT_PORT = int(os.environ.get("CHAT_PORT", "0") or 0)
CHAT_WEBSOCKET_URL = os.environ.get("CHAT_WEBSOCKET_URL", "")
# One process (the embedded default): the in-memory layer. Several daphne processes: a
# shared layer (CHANNEL_REDIS_URL=redis://…; channels-redis is in requirements.txt). Even
# without one, each process's watcher finds other processes' writes every CHAT_POLL_SECONDS.
if os.environ.get("CHANNEL_REDIS_URL"):
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [os.environ["CHANNEL_REDIS_URL"]]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# The page's script may open the chat websocket (CSP's 'self' covers only this exact port).
_chat_origins = (
    [
        f"{scheme}://{host}:{CHAT_PORT}"
        for host in ALLOWED_HOSTS
        if host and "*" not in host
        for scheme in ("ws", "wss")
    ]
    if CHAT_PORT
    else []
)
if CHAT_WEBSOCKET_URL:
    _chat_origins.append(CHAT_WEBSOCKET_URL.rstrip("/"))
SECURE_CSP["connect-src"] = ["'self'", *_chat_origins]
CHAT_MAX_MESSAGE_CHARS = 4000
CHAT_MAX_OPENING_CHARS = 12000
CHAT_MAX_FRAME_BYTES = 16 * 1024
CHAT_RATE_PER_SECOND = float(os.environ.get("CHAT_RATE_PER_SECOND", "2"))
CHAT_RATE_BURST = int(os.environ.get("CHAT_RATE_BURST", "10"))
CHAT_IDLE_SECONDS = int(os.environ.get("CHAT_IDLE_SECONDS", "600"))
CHAT_POLL_SECONDS = float(os.environ.get("CHAT_POLL_SECONDS", "3"))
# Each connection's own full re-read, for what changes with time alone (chat/consumers/base.py).
CHAT_REFRESH_SECONDS = float(os.environ.get("CHAT_REFRESH_SECONDS", "60"))
# Reads run on a thread pool beside the one thread that writes (WAL lets them).
CHAT_READS_BESIDE_WRITES = True
