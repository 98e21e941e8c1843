"""VendorHub settings: one file, every production value from the environment.

Defaults are safe for production (DEBUG off, secure cookies, strict CSP). A developer
machine gets embedded services (SQLite file, filesystem Celery broker, console e-mail)
without setting anything but DEBUG=1, which `make run` does.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# pytest sets nothing for us: the test run is recognised by its module being loaded.
TESTING = env.bool("VENDORHUB_TESTING", default="pytest" in sys.modules)

if DEBUG or TESTING:
    SECRET_KEY = env(
        "SECRET_KEY", default="dev-only-insecure-key-never-use-in-production-0123456789"
    )
else:
    # No default: a process that serves requests without a secret refuses to start.
    SECRET_KEY = env("SECRET_KEY", default="")
    # A one-off management command (migrate, makemigrations --check, createsuperuser)
    # signs nothing that outlives it, so it may run with a throw-away key.
    _one_off_command = (
        env.bool("VENDORHUB_MANAGE_PY", default=False)
        and len(sys.argv) > 1
        and sys.argv[1] not in {"runserver", "check"}
    )
    if not SECRET_KEY and _one_off_command:
        from django.core.management.utils import get_random_secret_key

        SECRET_KEY = get_random_secret_key()
    elif not SECRET_KEY:
        raise ImproperlyConfigured("Set SECRET_KEY (a long random string) or DEBUG=1.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "vendorhub",
    "contracts",
    "meetings",
    "disputes",
    "scorecards",
    "platforms",
    "actionplans",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_countries",
    "simple_history",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the query string: a NUL there is a 400, never a 500.
    "vendorhub.middleware.RejectNulCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "vendorhub.middleware.UserTimezoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After htmx: appends pending messages ("Saved") to htmx fragments, out of band.
    "vendorhub.middleware.HtmxMessagesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns lock-outs into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vendorhub.urls"
WSGI_APPLICATION = "vendorhub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "vendorhub.context_processors.navigation",
            ],
            # Human labels and dates (``human_date``, ``kind_label``, ``kpi_label`` …) are
            # available in every template without {% load %}: README "UI conventions".
            "builtins": ["vendorhub.templatetags.labels"],
        },
    },
]

# --- Data stores -------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

REDIS_URL = env("REDIS_URL", default="")
# Every client of Redis (cache, broker, result store) gives up after these many seconds
# instead of waiting for ever on a frozen or half-open server: a request or a worker
# then gets an error it handles, never a hang.
REDIS_CONNECT_TIMEOUT = env.float("REDIS_CONNECT_TIMEOUT", default=2.0)
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=3.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Tests clear their own prefix between tests (tests/conftest.py).
            "KEY_PREFIX": "vendorhub-test" if TESTING else "vendorhub",
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
                "health_check_interval": 10,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth --------------------------------------------------------------------------
AUTH_USER_MODEL = "vendorhub.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it counts failed log-ins and locks out brute force.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# The same client address everywhere (our throttles, DRF, axes): REMOTE_ADDR, or the
# address the last TRUSTED_PROXY_COUNT proxies of our own put in X-Forwarded-For.
# Behind one reverse proxy (the docker-compose deployment behind TLS), set it to 1.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "vendorhub.ratelimit.client_ip"
# Log-in page and POST /api/v1/auth/token/ share these (see vendorhub/ratelimit.py).
LOGIN_RATE_PER_IP = env("LOGIN_RATE_PER_IP", default=env("API_LOGIN_THROTTLE", default="10/min"))
LOGIN_FAILURES_PER_USERNAME = env("LOGIN_FAILURES_PER_USERNAME", default="20/h")
PASSWORD_RESET_RATE_PER_IP = env("PASSWORD_RESET_RATE_PER_IP", default="10/h")
PASSWORD_RESET_RATE_PER_EMAIL = env("PASSWORD_RESET_RATE_PER_EMAIL", default="3/h")
# API tokens are stored as SHA-256 digests and expire (a new log-in issues a new one).
API_TOKEN_LIFETIME = timedelta(days=env.int("API_TOKEN_LIFETIME_DAYS", default=30))
API_TOKEN_MAX_PER_USER = 10

# --- Internationalisation ----------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads live outside the static tree and are served only by access-checked views.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Every upload passes vendorhub.uploads.upload_check (types by parsed content, limits).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
UPLOAD_MAX_EXPANDED_BYTES = env.int("UPLOAD_MAX_EXPANDED_BYTES", default=100 * 1024 * 1024)
UPLOAD_MAX_ZIP_ENTRIES = 1000
UPLOAD_MAX_IMAGE_PIXELS = 50_000_000
# Bytes past UPLOAD_MAX_BYTES never reach memory or a temporary file.
FILE_UPLOAD_HANDLERS = [
    "vendorhub.uploads.handlers.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Optional virus scan (ClamAV's clamd): a Unix socket, or a host and port. Unset: no
# scan; set but unreachable: uploads are refused rather than stored unscanned.
CLAMD_SOCKET = env("CLAMD_SOCKET", default="")
CLAMD_HOST = env("CLAMD_HOST", default="")
CLAMD_PORT = env.int("CLAMD_PORT", default=3310)
CLAMD_TIMEOUT = env.float("CLAMD_TIMEOUT", default=30.0)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- E-mail ------------------------------------------------------------------------
# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.com:587 (default: the console).
_email = env.email("EMAIL_URL", default="consolemail://")
_smtp_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS", False),
    "use_ssl": _email.get("EMAIL_USE_SSL", False),
    "timeout": env.int("EMAIL_TIMEOUT", default=20),
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": (
            {k: v for k, v in _smtp_options.items() if v not in (None, "")}
            if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="VendorHub <vendorhub@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ----------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie: the token is rendered into hx-headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and not TESTING:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if env.bool("BEHIND_TLS_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- REST API ----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "vendorhub.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["vendorhub.permissions.RolePermission"],
    # JSON only: DRF's browsable renderer ships Bootstrap templates with inline styles and
    # scripts that the strict CSP refuses. People explore the API in the interactive docs
    # (/api/v1/docs/, drf-spectacular's Swagger UI, served CSP-clean).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's JSON parser with a nesting limit: 5,000 nested brackets are a 400, not a 500.
    "DEFAULT_PARSER_CLASSES": [
        "vendorhub.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "EXCEPTION_HANDLER": "vendorhub.api_errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "VendorHub API",
    "DESCRIPTION": (
        "Vendors, contracts, meetings, disputes and scorecards of your outsourced contact "
        "centres. Authenticate with `Authorization: Token <key>` from /api/v1/auth/token/."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Deep links put an <a> inside each operation's <button> (axe: nested-interactive);
    # the operation ids still show in the page and in the schema.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "persistAuthorization": False},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Error answers (400/401/403/404/415/429) documented once for every operation, and
    # local times of day as patterns (vendorhub/api_schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "vendorhub.api_schema.postprocess_schema",
    ],
    # Several apps have a "status" or "side" field: name each choice set once.
    "ENUM_NAME_OVERRIDES": {
        "VendorStatusEnum": "vendorhub.models.VendorStatus",
        "ContractStatusEnum": "contracts.models.ContractStatus",
        "ScopeChangeStatusEnum": "contracts.models.ScopeChangeStatus",
        "DisputeStatusEnum": "disputes.models.Status",
        "SideEnum": "disputes.models.Side",
        "SuppliedByEnum": "scorecards.models.SuppliedBy",
        "MeetingStatusEnum": "meetings.models.MeetingStatus",
        "AttendanceStatusEnum": "meetings.models.AttendanceStatus",
        "ActionStatusEnum": "meetings.models.ActionStatus",
        "ScorecardStatusEnum": "scorecards.models.ScorecardStatus",
        "CreditMoveEnum": "scorecards.models.CreditMove",
        "ActionPlanStatusEnum": "actionplans.models.PlanStatus",
        "ActionPlanSourceEnum": "actionplans.models.Source",
        "ActionPlanMeasurementEnum": "actionplans.models.Measurement",
    },
}

# --- Celery ------------------------------------------------------------------------
# With REDIS_URL: Redis is broker and result store. Without: kombu's filesystem
# transport, so a real worker and beat run on a laptop with no server at all.
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    _broker_dir = env.path("CELERY_FS_DIR", default=VAR_DIR / "celery")
    for _sub in ("in", "processed", "results", "control"):
        (Path(_broker_dir) / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(Path(_broker_dir) / "in"),
        "data_folder_out": str(Path(_broker_dir) / "in"),
        "processed_folder": str(Path(_broker_dir) / "processed"),
        "control_folder": str(Path(_broker_dir) / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{Path(_broker_dir) / 'results'}"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = timedelta(hours=1)
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Sweeps are idempotent, so running one twice is harmless; beat must still be a
# single process (see README, "Scaling out").
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {
        "task": "vendorhub.tasks.send_reminders",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 14 * 60},
    },
    # A safety net: sweeps enqueue the sender on commit; this catches anything left.
    "send-outbox": {
        "task": "vendorhub.tasks.send_outbox",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    "requeue-stale-outbox": {
        "task": "vendorhub.tasks.requeue_stale_outbox",
        "schedule": crontab(minute="*/5"),
    },
    "send-digests": {
        "task": "vendorhub.tasks.send_digests",
        "schedule": crontab(hour=6, minute=0),
    },
}
# Redis redelivers an unacknowledged task (its worker died) after this many seconds;
# no task is scheduled with an ETA/countdown beyond it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **globals().get("CELERY_BROKER_TRANSPORT_OPTIONS", {}),
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
if REDIS_URL:
    # No wait on Redis is unbounded: a publish or an ack on a frozen server fails after
    # the socket timeout; a worker whose BRPOP connection went half-open drops it
    # after brpop_timeout + health_check_interval and reconnects.
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
        "socket_timeout": REDIS_SOCKET_TIMEOUT,
        "socket_keepalive": True,
        "health_check_interval": 10,
    }
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_CONNECT_TIMEOUT
    CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT
    CELERY_REDIS_SOCKET_KEEPALIVE = True
    CELERY_REDIS_BACKEND_HEALTH_CHECK_INTERVAL = 10
    # The result store's own reconnect loop (20 tries by default) is bounded too.
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
        "retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
    }
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_TASK_PUBLISH_RETRY = True
# A publish tries twice, quickly: the work it announces is already in the database
# (outbox, reminders), and beat picks it up if the broker is away.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}

# --- E-mail outbox ---------------------------------------------------------------
# A failed e-mail is retried (1, 2, 4 … 30 minutes apart) for this long, then kept as
# failed for a manager to send again from the operations page.
OUTBOX_RETRY_WINDOW = timedelta(hours=env.float("OUTBOX_RETRY_HOURS", default=24))
# Seconds one send_outbox task drains the outbox before leaving the rest to the next.
OUTBOX_TIME_BUDGET = env.float("OUTBOX_TIME_BUDGET", default=20)
# An e-mail whose sender died during the SMTP transaction may have been delivered.
# False (default): hold it as "unknown" for a manager. True: send it again with the
# same Message-ID — only if your relay or recipients de-duplicate by Message-ID.
OUTBOX_RESEND_UNKNOWN = env.bool("OUTBOX_RESEND_UNKNOWN", default=False)

# --- Logging -----------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every layout step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- VendorHub ---------------------------------------------------------------------
VENDORHUB_SITE_NAME = "VendorHub"
# Absolute links in e-mails.
VENDORHUB_BASE_URL = env("VENDORHUB_BASE_URL", default="http://127.0.0.1:8000")
