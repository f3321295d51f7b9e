"""One settings module, driven by environment variables.

Every default makes a fresh checkout run: SQLite in the user's data directory, one local user.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
import platformdirs


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _load_or_create_secret_key(home: Path) -> str:
    """The key lives beside the database, readable by its owner only."""
    path = home / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


BASE_DIR = Path(__file__).resolve().parent
HOME = Path(env_str("COFFEECHAT_HOME") or platformdirs.user_data_dir("coffeechat", appauthor=False))
HOME.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env_str("COFFEECHAT_SECRET_KEY") or _load_or_create_secret_key(HOME)
DEBUG = env_bool("COFFEECHAT_DEBUG")
MULTIUSER = env_bool("COFFEECHAT_MULTIUSER")

# `coffeechat serve` narrows this to the host it binds; in multi-user mode the operator names
# the public host names.
ALLOWED_HOSTS = [
    h.strip() for h in env_str("COFFEECHAT_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "coffeechat.accounts",
    "coffeechat.contacts",
    "coffeechat.outreach",
    "coffeechat.conversations",
    "coffeechat.agenda",
    "coffeechat.portability",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "coffeechat.accounts.middleware.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "coffeechat.urls"
WSGI_APPLICATION = "coffeechat.wsgi.application"

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
            ],
        },
    }
]

DATABASE_URL = env_str("COFFEECHAT_DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": HOME / "coffeechat.sqlite3"}
    }

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE takes the write lock when a transaction
    # starts, so a read-then-write transaction waits (busy timeout) instead of failing with
    # "database is locked" when it tries to upgrade its lock. Reads go through a memory map
    # and a 16 MB page cache rather than a read call for each 4 kB page.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA mmap_size=268435456; PRAGMA cache_size=-16384;"
        ),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Served straight from the installed package by whitenoise; nothing is collected.
STATIC_ROOT = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if MULTIUSER:
    SESSION_COOKIE_SECURE = env_bool("COFFEECHAT_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

EMAIL_BACKEND = env_str("COFFEECHAT_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("COFFEECHAT_SMTP_HOST", "")
EMAIL_PORT = env_int("COFFEECHAT_SMTP_PORT", 587)
EMAIL_HOST_USER = env_str("COFFEECHAT_SMTP_USER")
EMAIL_HOST_PASSWORD = env_str("COFFEECHAT_SMTP_PASSWORD")
EMAIL_USE_TLS = env_bool("COFFEECHAT_SMTP_TLS", True)
DEFAULT_FROM_EMAIL = env_str("COFFEECHAT_FROM_EMAIL", "coffeechat@localhost")

# How long the one-time login link printed by `coffeechat serve` stays valid.
LOGIN_LINK_MINUTES = env_int("COFFEECHAT_LOGIN_LINK_MINUTES", 15)


def _without_traceback(record) -> bool:
    # A request for another host is refused with 400; one line in the log says so, a
    # traceback would only alarm.
    record.exc_info = None
    return True


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_traceback": {"()": "django.utils.log.CallbackFilter", "callback": _without_traceback}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "one_line": {"class": "logging.StreamHandler", "filters": ["no_traceback"]},
    },
    "loggers": {"django.security": {"handlers": ["one_line"], "propagate": False}},
    "root": {"handlers": ["console"], "level": env_str("COFFEECHAT_LOG_LEVEL", "WARNING")},
}
