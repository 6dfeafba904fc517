"""thidua settings: one small file; everything deployment-specific comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("THIDUA_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = os.environ.get("THIDUA_DEBUG", "1") == "1"
# A development key is used only when DEBUG is on; production must set THIDUA_SECRET_KEY.
SECRET_KEY = os.environ.get("THIDUA_SECRET_KEY") or ("dev-only-insecure-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("THIDUA_SECRET_KEY must be set when THIDUA_DEBUG=0")
ALLOWED_HOSTS = os.environ.get("THIDUA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

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
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "thidua.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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
# Lockout after repeated failed logins.
THIDUA_LOGIN_MAX_FAILURES = int(os.environ.get("THIDUA_LOGIN_MAX_FAILURES", "5"))
THIDUA_LOGIN_LOCKOUT_MINUTES = int(os.environ.get("THIDUA_LOGIN_LOCKOUT_MINUTES", "15"))

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
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("THIDUA_LOG_LEVEL", "WARNING")},
}

# Static files are vendored in the apps and served by the app itself (closed government networks:
# no CDN). WhiteNoise serves them from STATIC_ROOT in production and from the finders under DEBUG.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
