"""lingong settings: one module, configured from the environment only.

Every value has a development default so `make run` needs nothing set; production sets
`LINGONG_ENV=production` and the variables listed in docs/deploy.md.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("LINGONG_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
# The matching engine's compiled loops are cached here (numba reads this when first imported, after the
# settings): the data directory is writable where the installed package may not be.
os.environ.setdefault("NUMBA_CACHE_DIR", str(VAR_DIR / "numba-cache"))

ENV = os.environ.get("LINGONG_ENV", "development")
PRODUCTION = ENV == "production"
TESTING = "pytest" in sys.modules or os.environ.get("LINGONG_TESTING") == "1"

# Development keys are fixed so a restart keeps sessions and encrypted data readable; production
# refuses to start without its own (see lingong/core/crypto.py and the check below).
_DEV_SECRET = "dev-insecure-lingong-secret-key-change-me-in-production-0123456789"  # noqa: S105 - development only; production refuses to start without its own
SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
# Old keys still accepted when verifying signatures (printed certificates' QR codes, sessions) after a
# key change; new signatures use SECRET_KEY only.
SECRET_KEY_FALLBACKS = [k for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k]
if PRODUCTION and not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when LINGONG_ENV=production")

# Comma-separated base64 keys of 32 bytes; the first encrypts, all decrypt (key rotation).
LINGONG_FIELD_KEY = os.environ.get(
    "LINGONG_FIELD_KEY", "" if PRODUCTION else "ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLWxvbmc="
)
# Key of the keyed hash (HMAC) that makes encrypted values searchable by exact value.
LINGONG_INDEX_KEY = os.environ.get(
    "LINGONG_INDEX_KEY", "" if PRODUCTION else "ZGV2LW9ubHktaW5kZXgta2V5LTMyLWJ5dGVzLWxvbmc="
)
if PRODUCTION and not (LINGONG_FIELD_KEY and LINGONG_INDEX_KEY):
    raise RuntimeError("LINGONG_FIELD_KEY and LINGONG_INDEX_KEY must be set when LINGONG_ENV=production")

DEBUG = os.environ.get("DEBUG", "0" if PRODUCTION else "1") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    # First, so its createsuperuser (by phone number) replaces Django's.
    "lingong.accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",  # serves Swagger UI from local static files: no CDN on a government network
    "huey.contrib.djhuey",
    "lingong.core",
    "lingong.market",
    "lingong.registration",
    "lingong.training",
    "lingong.matching",
    "lingong.policy",
    "lingong.web",
    "lingong.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lingong.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "lingong.urls"
WSGI_APPLICATION = "lingong.wsgi.application"

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
                "lingong.web.context_processors.site",
                "lingong.web.inbox.unread",
            ],
        },
    }
]

# SQLite (WAL) under var/ by default; PostgreSQL in production via DATABASE_URL.
_default_db = f"sqlite:///{VAR_DIR / 'lingong.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or _default_db, conn_max_age=0 if TESTING else 60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer writes; IMMEDIATE avoids upgrade deadlocks.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=5000; PRAGMA cache_size=-65536;"
        ),
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["lingong.accounts.backends.PhoneBackend"]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing 1M PBKDF2 rounds per test user would dominate the suite.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Lockout after repeated failed logins (per account).
LINGONG_LOGIN_MAX_FAILURES = int(os.environ.get("LINGONG_LOGIN_MAX_FAILURES", "5"))
LINGONG_LOGIN_LOCK_MINUTES = int(os.environ.get("LINGONG_LOGIN_LOCK_MINUTES", "15"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# Excel imports: larger files are refused with a clear message (split them, or use the API).
LINGONG_IMPORT_MAX_ROWS = int(os.environ.get("LINGONG_IMPORT_MAX_ROWS", "100000"))

# Instant hire (即时快招): offers go out in tiers of this size, each waiting this long for answers.
LINGONG_INSTANT_TIER_SIZE = int(os.environ.get("LINGONG_INSTANT_TIER_SIZE", "10"))
LINGONG_INSTANT_TIER_MINUTES = int(os.environ.get("LINGONG_INSTANT_TIER_MINUTES", "10"))

# Matching (人岗匹配, docs/matching.md): default score weights (JSON of the engine's Weights fields; those
# left out keep the engine's defaults; staff's dated changes on the 权重 page win over these), how often
# each process syncs its in-memory index from the database, and the instant-hire dispatch rounds.
MATCHING_WEIGHTS = json.loads(os.environ.get("LINGONG_MATCHING_WEIGHTS", "{}"))
MATCHING_SYNC_SECONDS = float(os.environ.get("LINGONG_MATCHING_SYNC_SECONDS", "5"))
MATCHING_DISPATCH_SECONDS = int(os.environ.get("LINGONG_MATCHING_DISPATCH_SECONDS", "10"))
MATCHING_OFFERS_PER_PLACE = int(os.environ.get("LINGONG_MATCHING_OFFERS_PER_PLACE", "2"))

# Wage protection and reliability (即时快招 attendance): hours the employer leaves unapproved this long
# are approved automatically; no-shows and late cancellations count for a window, then lapse.
LINGONG_HOURS_AUTO_APPROVE_HOURS = int(os.environ.get("LINGONG_HOURS_AUTO_APPROVE_HOURS", "24"))
LINGONG_RELIABILITY_PRIOR = int(os.environ.get("LINGONG_RELIABILITY_PRIOR", "2"))
LINGONG_RELIABILITY_WINDOW_DAYS = int(os.environ.get("LINGONG_RELIABILITY_WINDOW_DAYS", "180"))
LINGONG_LATE_CANCEL_HOURS = int(os.environ.get("LINGONG_LATE_CANCEL_HOURS", "12"))

# Notifications: the inbox always; copies by SMS / WeChat through gateways (lingong/accounts/notify.py).
LINGONG_NOTIFY_BACKENDS = [
    b.strip()
    for b in os.environ.get("LINGONG_NOTIFY_BACKENDS", "lingong.accounts.notify.ConsoleBackend").split(",")
    if b.strip()
]
LINGONG_SITE_URL = os.environ.get("LINGONG_SITE_URL", "")
LINGONG_SMS_URL = os.environ.get("LINGONG_SMS_URL", "")
LINGONG_SMS_TOKEN = os.environ.get("LINGONG_SMS_TOKEN", "")
LINGONG_WECHAT_URL = os.environ.get("LINGONG_WECHAT_URL", "")
LINGONG_WECHAT_TOKEN = os.environ.get("LINGONG_WECHAT_TOKEN", "")
LINGONG_WECHAT_TEMPLATE_ID = os.environ.get("LINGONG_WECHAT_TEMPLATE_ID", "")
LINGONG_NOTIFY_TIMEOUT = float(os.environ.get("LINGONG_NOTIFY_TIMEOUT", "5"))

# The gig market directory: an entry not verified for this many days is flagged and staff reminded.
LINGONG_DIRECTORY_STALE_DAYS = int(os.environ.get("LINGONG_DIRECTORY_STALE_DAYS", "90"))

# Background work: huey. SQLite storage on one machine, Redis in production, in-process in tests.
REDIS_URL = os.environ.get("REDIS_URL", "")
# Development and tests run tasks in-process (no worker needed); production queues them for
# `lingong worker`. LINGONG_TASKS_IMMEDIATE overrides either way.
_huey_immediate = TESTING or os.environ.get("LINGONG_TASKS_IMMEDIATE", "0" if PRODUCTION else "1") == "1"
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "lingong",
        "url": REDIS_URL,
        "immediate": _huey_immediate,
        "consumer": {"workers": int(os.environ.get("LINGONG_WORKERS", "2")), "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "lingong",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": _huey_immediate,
        "consumer": {"workers": int(os.environ.get("LINGONG_WORKERS", "2")), "worker_type": "thread"},
    }

CACHES = (
    {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    if REDIS_URL
    else {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
)

# Security: production gets the strict settings `manage.py check --deploy` asks for.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Behind nginx the client address comes from X-Forwarded-For; trust it only when told to.
LINGONG_TRUST_X_FORWARDED_FOR = (
    os.environ.get("LINGONG_TRUST_X_FORWARDED_FOR", "1" if PRODUCTION else "0") == "1"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"jieba": {"level": "WARNING"}},
}
