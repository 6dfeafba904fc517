"""thidua settings: one small file; everything deployment-specific comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("THIDUA_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Production is the default: DEBUG only when the environment says so (`make run` does). Without DEBUG the
# secret key and the allowed hosts must come from the environment, and thidua refuses to start otherwise.
DEBUG = os.environ.get("THIDUA_DEBUG", "0") == "1"
SECRET_KEY = os.environ.get("THIDUA_SECRET_KEY") or ("dev-only-insecure-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("THIDUA_SECRET_KEY must be set (or THIDUA_DEBUG=1 for development)")
# Rotating the key: the old one goes to THIDUA_SECRET_KEY_FALLBACKS (comma-separated) until sessions, reset
# links and the sealed ballot urns of sessions opened under it are closed.
SECRET_KEY_FALLBACKS = [k for k in os.environ.get("THIDUA_SECRET_KEY_FALLBACKS", "").split(",") if k]
_hosts = os.environ.get("THIDUA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
ALLOWED_HOSTS = [host.strip() for host in _hosts.split(",") if host.strip()]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("THIDUA_ALLOWED_HOSTS must be set (comma-separated host names) when THIDUA_DEBUG=0")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the API docs (Swagger UI) from its own static files, never a CDN
    "thidua.core",
    "thidua.accounts",
    "thidua.orgs",
    "thidua.campaigns",
    "thidua.scoring",
    "thidua.voting",
    "thidua.awards",
    "thidua.reports",
]

MIDDLEWARE = [
    "thidua.core.logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "thidua.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "thidua.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "thidua.orgs.middleware.ScopeGenerationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "thidua.core.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "thidua.accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'thidua.sqlite3'}",
        conn_max_age=int(os.environ.get("THIDUA_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["thidua.accounts.backends.LockoutModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Failed sign-ins: a username is locked for one client address after MAX_FAILURES within the
# window, and a client address for every username after CLIENT_MAX_FAILURES (offices share one
# address behind NAT, so that limit is higher). Both last LOCKOUT_MINUTES.
THIDUA_LOGIN_MAX_FAILURES = int(os.environ.get("THIDUA_LOGIN_MAX_FAILURES", "5"))
THIDUA_LOGIN_CLIENT_MAX_FAILURES = int(os.environ.get("THIDUA_LOGIN_CLIENT_MAX_FAILURES", "30"))
THIDUA_LOGIN_LOCKOUT_MINUTES = int(os.environ.get("THIDUA_LOGIN_LOCKOUT_MINUTES", "15"))
# API tokens expire after this many days.
THIDUA_API_TOKEN_DAYS = int(os.environ.get("THIDUA_API_TOKEN_DAYS", "90"))

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "thidua" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"  # evidence files: outside the web root, served only through views

# Upload limits: imports and evidence.
THIDUA_IMPORT_MAX_BYTES = int(os.environ.get("THIDUA_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
# Checked before and while a table is parsed (thidua.core.sheets.Limits); refused with a message.
THIDUA_IMPORT_MAX_ROWS = int(os.environ.get("THIDUA_IMPORT_MAX_ROWS", "100000"))
THIDUA_IMPORT_MAX_COLUMNS = int(os.environ.get("THIDUA_IMPORT_MAX_COLUMNS", "50"))
THIDUA_IMPORT_MAX_CELLS = int(os.environ.get("THIDUA_IMPORT_MAX_CELLS", "2000000"))
THIDUA_IMPORT_MAX_CELL_CHARS = int(os.environ.get("THIDUA_IMPORT_MAX_CELL_CHARS", "5000"))
THIDUA_IMPORT_XLSX_MAX_UNCOMPRESSED = int(os.environ.get("THIDUA_IMPORT_XLSX_MAX_UNCOMPRESSED", str(100 * 1024 * 1024)))
THIDUA_IMPORT_XLSX_MAX_RATIO = int(os.environ.get("THIDUA_IMPORT_XLSX_MAX_RATIO", "200"))
THIDUA_IMPORT_XLSX_MAX_SHARED_STRINGS = int(
    os.environ.get("THIDUA_IMPORT_XLSX_MAX_SHARED_STRINGS", str(20 * 1024 * 1024))
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": os.environ.get("THIDUA_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Behind a TLS-terminating reverse proxy (nginx, HAProxy): THIDUA_BEHIND_PROXY=1 trusts the proxy's
# X-Forwarded-Proto and X-Forwarded-Host (the proxy must set them, overwriting the client's) and the
# last X-Forwarded-For address for sign-in throttling. Without it every HTTPS POST fails the CSRF
# origin check, because Django sees plain HTTP.
THIDUA_BEHIND_PROXY = os.environ.get("THIDUA_BEHIND_PROXY", "0") == "1"
if THIDUA_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# Origins allowed to POST besides the request's own host, e.g. "https://thidua.mattran.org.vn".
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("THIDUA_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
# Scripts, styles, images and fonts from the app itself only; no inline script or style.
THIDUA_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # HSTS is sent on HTTPS responses only; THIDUA_HSTS_SECONDS=0 turns it off.
    SECURE_HSTS_SECONDS = int(os.environ.get("THIDUA_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("THIDUA_HSTS_INCLUDE_SUBDOMAINS", "0") == "1"
    SECURE_SSL_REDIRECT = os.environ.get("THIDUA_SSL_REDIRECT", "0") == "1"
    SECURE_REDIRECT_EXEMPT = [r"^healthz"]

# One JSON object a line (request id, user id) in production; plain lines in development.
# THIDUA_LOG_FORMAT=json|text, THIDUA_LOG_LEVEL (everything), THIDUA_REQUEST_LOG_LEVEL (one line per request).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "thidua.core.logging.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "thidua.core.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s user=%(user_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request"],
            "formatter": os.environ.get("THIDUA_LOG_FORMAT", "text" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("THIDUA_LOG_LEVEL", "WARNING")},
    "loggers": {
        "thidua.request": {"level": os.environ.get("THIDUA_REQUEST_LOG_LEVEL", "WARNING" if DEBUG else "INFO")},
    },
}
# /healthz answers 503 when a task has waited longer than this for a worker.
THIDUA_HEALTH_MAX_TASK_WAIT_SECONDS = int(os.environ.get("THIDUA_HEALTH_MAX_TASK_WAIT_SECONDS", "600"))

# Static files are vendored in the apps and served by the app itself (closed government networks:
# no CDN). WhiteNoise serves them from STATIC_ROOT in production and from the finders under DEBUG.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# In production static files carry their content's hash in their names and are served compressed
# (`thidua serve` collects them first); development serves them from the apps as they are.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and os.environ.get("THIDUA_STATIC_MANIFEST", "1") == "1"
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# THIDUA_STATIC_MANIFEST=0: production settings without collected static files (tests that start a bare
# `runserver` in production mode); `thidua serve` always collects them.
