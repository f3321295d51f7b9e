"""One settings module, driven by environment variables.

Every default makes a fresh checkout run: SQLite in the user's data directory, one local user.
"""

import os
import secrets
import stat
import sys
from pathlib import Path
from typing import Any

import dj_database_url
import platformdirs
from django.core.exceptions import ImproperlyConfigured, ValidationError

from coffeechat.lib.validation import parse_int


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


# A wrong value stops every command and `serve` with one line naming the variable
# (ImproperlyConfigured, turned into "Error: …" by the command line), never a traceback.
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value not in _TRUE | _FALSE:
        raise ImproperlyConfigured(
            f"{name} must be 1 or 0 (true/false, yes/no, on/off), not “{value[:40]}”."
        )
    return value in _TRUE


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int = 2**31 - 1) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return parse_int(value, minimum=minimum, maximum=maximum)
    except ValidationError as error:
        raise ImproperlyConfigured(
            f"{name} must be a whole number from {minimum:,} to {maximum:,}, not “{value[:40]}”."
        ) from error


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


def _private_home(home: Path) -> Path:
    """The data directory, made or tightened so that only its owner may enter it: it holds the
    contacts, the session keys and the secret key."""
    where = "COFFEECHAT_HOME" if env_str("COFFEECHAT_HOME") else "The data directory"
    if home.exists() and not home.is_dir():
        raise ImproperlyConfigured(f"{where} {home} is not a folder.")
    try:
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        mode = stat.S_IMODE(home.stat().st_mode)
        if mode & 0o077:
            home.chmod(0o700)
            print(
                f"coffeechat: made {home} private (mode {mode:o} to 700): it holds your data.",
                file=sys.stderr,
            )
    except OSError as error:
        raise ImproperlyConfigured(
            f"{where} {home} cannot be used: {error.strerror or error}."
        ) from None
    if not os.access(home, os.W_OK | os.X_OK):
        raise ImproperlyConfigured(f"{where} {home} is not writable.")
    return home


def _private_file(path: Path) -> None:
    """Creates `path` with mode 0600 if it is missing, before SQLite opens it: SQLite gives
    its -wal and -shm files the mode of the database file, whatever the umask."""
    try:
        os.close(os.open(path, os.O_RDONLY | os.O_CREAT, 0o600))
        # An older coffeechat left them to the umask; the directory above is private anyway.
        for kept in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            if kept.exists() and stat.S_IMODE(kept.stat().st_mode) & 0o077:
                kept.chmod(0o600)
    except OSError as error:
        where = "COFFEECHAT_DATABASE_URL: the" if env_str("COFFEECHAT_DATABASE_URL") else "The"
        raise ImproperlyConfigured(
            f"{where} database {path} cannot be opened: {error.strerror or error}."
        ) from None


BASE_DIR = Path(__file__).resolve().parent
HOME = _private_home(
    Path(env_str("COFFEECHAT_HOME") or platformdirs.user_data_dir("coffeechat", appauthor=False))
)

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
    "heroicons",
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
    "coffeechat.errors.MethodNotAllowedPageMiddleware",
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


def _database_from_url(url: str) -> dict[str, Any]:
    """COFFEECHAT_DATABASE_URL as Django's database settings. The URL itself is not kept as
    a setting: it carries the password, and Django's debug page lists every setting."""
    try:
        # Each of waitress's threads keeps its connection (and so the statements prepared on
        # it) for ten minutes; a connection the server dropped meanwhile is checked for and
        # replaced at the start of a request instead of failing it.
        database = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    except ValueError:
        database = {"ENGINE": ""}
    if "://" not in url:
        raise ImproperlyConfigured(
            "COFFEECHAT_DATABASE_URL is not a database URL; use "
            "postgresql://USER@HOST:PORT/NAME or sqlite:///PATH."
        )
    if database["ENGINE"] not in SUPPORTED_DATABASES:
        # Only the scheme is repeated: the rest of the URL may hold a password.
        scheme = url.split("://", 1)[0][:20]
        raise ImproperlyConfigured(
            "COFFEECHAT_DATABASE_URL: coffeechat works with postgresql:// and sqlite:/// "
            f"databases, not {scheme}://."
        )
    if not database.get("NAME"):
        raise ImproperlyConfigured("COFFEECHAT_DATABASE_URL names no database.")
    if database["ENGINE"] == "django.db.backends.postgresql":
        database["OPTIONS"] = {**database.get("OPTIONS", {}), **POSTGRES_OPTIONS}
    return dict(database)


# Values travel apart from the SQL (server-side binding), and psycopg prepares a statement the
# second time a connection runs it: PostgreSQL then parses and plans each of the agenda's
# queries once per connection, not on every request; for a small network planning cost it
# more than running them. Prepared statements live as long as the connection (CONN_MAX_AGE
# above); a connection pooler in front of PostgreSQL must run in session mode, or keep
# prepared statements (PgBouncer's max_prepared_statements).
POSTGRES_OPTIONS = {"server_side_binding": True, "prepare_threshold": 1}


SUPPORTED_DATABASES = {"django.db.backends.postgresql", "django.db.backends.sqlite3"}
if env_str("COFFEECHAT_DATABASE_URL").strip():
    DATABASES = {"default": _database_from_url(env_str("COFFEECHAT_DATABASE_URL").strip())}
else:
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": HOME / "coffeechat.sqlite3"}
    }

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE takes the write lock when a transaction
    # starts, so a read-then-write transaction waits (busy timeout) instead of failing with
    # "database is locked" when it tries to upgrade its lock. Reads go through a memory map
    # and a 16 MB page cache rather than a read call for each 4 kB page.
    if str(DATABASES["default"]["NAME"]) != ":memory:":
        _private_file(Path(DATABASES["default"]["NAME"]))
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
EMAIL_PORT = env_int("COFFEECHAT_SMTP_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("COFFEECHAT_SMTP_USER")
EMAIL_HOST_PASSWORD = env_str("COFFEECHAT_SMTP_PASSWORD")
EMAIL_USE_TLS = env_bool("COFFEECHAT_SMTP_TLS", True)
DEFAULT_FROM_EMAIL = env_str("COFFEECHAT_FROM_EMAIL", "coffeechat@localhost")

# How long the one-time login link printed by `coffeechat serve` stays valid.
LOGIN_LINK_MINUTES = env_int("COFFEECHAT_LOGIN_LINK_MINUTES", 15, minimum=1, maximum=24 * 60)


def _without_traceback(record) -> bool:
    # A request for another host is refused with 400; one line in the log says so, a
    # traceback would only alarm.
    record.exc_info = None
    return True


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_LEVEL = env_str("COFFEECHAT_LOG_LEVEL", "WARNING").strip().upper() or "WARNING"
if LOG_LEVEL not in LOG_LEVELS:
    raise ImproperlyConfigured(
        f"COFFEECHAT_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not “{LOG_LEVEL[:40]}”."
    )

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
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
