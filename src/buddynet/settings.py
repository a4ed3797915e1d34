"""buddynet settings: one module, every knob an environment variable.

Typed helpers fail loudly on a bad value. SQLite in ``var/`` unless ``DATABASE_URL``
says otherwise; the embedded Huey queue unless ``REDIS_URL`` is set.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from buddynet.datadir import data_dir, secret_key_file, static_root

BASE_DIR = Path(__file__).resolve().parent


class EnvError(ImproperlyConfigured):
    pass


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise EnvError(f"Environment variable {name} is required.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise EnvError(f"{name} must be a boolean (true/false), got {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise EnvError(f"{name} must be an integer, got {value!r}.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("BUDDYNET_DEBUG", False)
# The data folder is created by ``buddynet.datadir.ensure_data_dir()`` (the ``buddynet``
# command and the WSGI entry point call it), never by importing these settings.
DATA_DIR = data_dir()


def _secret_key() -> str:
    configured = os.environ.get("BUDDYNET_SECRET_KEY")
    if configured:
        if len(configured) < 50:
            raise EnvError("BUDDYNET_SECRET_KEY must be at least 50 characters long.")
        return configured
    # No key configured: the generated one in the data folder (ensure_data_dir() writes
    # it). Without either the key stays empty, and Django refuses to run anything that
    # signs (sessions, tokens); commands that do not sign still work.
    key_file = secret_key_file()
    return key_file.read_text().strip() if key_file.exists() else ""


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("BUDDYNET_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("BUDDYNET_CSRF_TRUSTED_ORIGINS", [])
# Where ``buddynet serve`` listens (gunicorn's --bind).
BIND = env_str("BUDDYNET_BIND", "127.0.0.1:8000")


def default_site_url(bind: str, allowed_hosts: list[str]) -> str:
    """The address e-mail links point to when BUDDYNET_SITE_URL is not set: the
    served address, or the first allowed host when the server listens on every
    interface (``0.0.0.0``) or a socket."""
    host, _sep, port = bind.rpartition(":")
    if bind.startswith(("unix:", "fd:")) or not host or host in {"0.0.0.0", "[::]", "::"}:  # noqa: S104
        name = next((h for h in allowed_hosts if h and not h.startswith(".") and h != "*"), "")
        return f"http://{name or '127.0.0.1'}" + (f":{port}" if port.isdigit() else "")
    return f"http://{host}:{port}"


SITE_URL = env_str("BUDDYNET_SITE_URL", default_site_url(BIND, ALLOWED_HOSTS)).rstrip("/")
# How many reverse proxies of ours stand in front of the app. 0: the client is
# REMOTE_ADDR. 1 (nginx/Caddy that appends to X-Forwarded-For): the client is the last
# address in X-Forwarded-For. Rate limits and lock-outs count per client address.
TRUSTED_PROXIES = env_int("BUDDYNET_TRUSTED_PROXIES", 0)
if TRUSTED_PROXIES < 0:
    raise EnvError("BUDDYNET_TRUSTED_PROXIES must be 0 or more.")
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXIES
# Where those proxies connect from (addresses or networks, e.g. ``127.0.0.1,::1`` when
# nginx runs on the same machine). When set, X-Forwarded-For is read only on a request
# that comes from one of them: one that reaches a web server directly is counted by its
# own address, whatever it writes in the header. Empty: any peer is taken as our proxy
# (then only the proxy may be able to reach the web servers).
PROXY_ADDRESSES = env_list("BUDDYNET_PROXY_ADDRESSES", [])
try:
    for _address in PROXY_ADDRESSES:
        ipaddress.ip_network(_address, strict=False)
except ValueError as exc:
    raise EnvError(f"BUDDYNET_PROXY_ADDRESSES: {exc}.") from exc

# The feature apps, in menu order. Each may plug in (all optional): ``urls.py``
# (project_urlpatterns / public_urlpatterns), ``api.py`` (``router``),
# ``dashboard.py`` (``coordinator_panel``), ``demo.py`` (``seed_extra``),
# ``templates/<app>/_project_nav_items.html`` and ``locale/`` (its own catalogue).
BUDDYNET_FEATURE_APPS = (
    "volunteers",
    "participants",
    "matching",
    "trajectories",
    "followup",
    "impact",
    "expenses",
    "network",
    "community",
    "contact",
    "plans",
    "privacy",
    "imports",
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "huey.contrib.djhuey",
    "ninja",
    "csp",
    "buddynet.core",
    "buddynet.accounts",
    "buddynet.tenancy",
    *(f"buddynet.{app}" for app in BUDDYNET_FEATURE_APPS),
    "buddynet.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "buddynet.core.locale.UserLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "buddynet.core.headers.SecurityHeadersMiddleware",
    "buddynet.core.middleware.IntegrityErrorMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "buddynet.accounts.middleware_api.APITokenMiddleware",
    "buddynet.accounts.middleware.RequireTwoFactorMiddleware",
    "buddynet.tenancy.middleware.TenantScopeMiddleware",
    # Last: it sees the user (session or token) and answers a repeated write once.
    "buddynet.core.idempotency.RepeatedRequestMiddleware",
]

ROOT_URLCONF = "buddynet.urls"
FORM_RENDERER = "buddynet.core.forms.FormRenderer"
WSGI_APPLICATION = "buddynet.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "buddynet.tenancy.context_processors.navigation",
            ],
            "debug": DEBUG,
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'buddynet.sqlite3'}"),
        conn_max_age=env_int("BUDDYNET_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "buddynet_cache",
            # Django's default keeps 300 entries and then deletes a third of them by key:
            # the cached figures, panels and rankings of a few projects are more than
            # that, and were thrown away between two visits to the same dashboard.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# --- Passwords and accounts -------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# One address, one account. Accounts are made by coordinators; a user may change
# their address, but the new one only takes effect once they confirm it from its
# mailbox (ACCOUNT_CHANGE_EMAIL), and an address of another account is refused
# (accounts.forms.AddEmailForm; accounts.signals keeps User.email and allauth's
# EmailAddress in step).
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_CHANGE_EMAIL = True  # one address (plus the one being confirmed), never several
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_FORMS = {"add_email": "buddynet.accounts.forms.AddEmailForm"}
# allauth's change notifications stay off (as before): they are sent from on-commit
# callbacks that may run without a request. Our wording for them is ready in
# templates/account/email/ should they be switched on.
ACCOUNT_EMAIL_NOTIFICATIONS = False
ACCOUNT_ADAPTER = "buddynet.accounts.adapter.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    # Failed log-ins: per client address, and per account *from that address* (the
    # adapter adds the address to the key), so a stranger elsewhere cannot lock a
    # coordinator out. The windows slide: a lock-out ends 15 minutes after the last
    # counted failure.
    "login_failed": env_str("BUDDYNET_LOGIN_FAILED_LIMIT", "10/m/ip,5/15m/key"),
    "reset_password": "20/m/ip,5/m/key",
}
# Failed log-ins per account from all addresses together: looser, a guard against a
# password guessed from many addresses (accounts.adapter).
BUDDYNET_LOGIN_FAILED_ACCOUNT_LIMIT = env_str("BUDDYNET_LOGIN_FAILED_ACCOUNT_LIMIT", "50/h/key")
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[buddynet] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "buddynet"

# --- Security ---------------------------------------------------------------------
HTTPS = env_bool("BUDDYNET_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("BUDDYNET_SESSION_SECONDS", 8 * 3600)
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = HTTPS and env_bool("BUDDYNET_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = env_int("BUDDYNET_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# --- Internationalisation ---------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
# One catalogue per feature app (``<app>/locale``, so work on apps does not collide;
# accounts keeps the team's strings in its own too), then the shared one for everything
# else. ``make messages`` fills each.
LOCALE_PATHS = [
    *(
        BASE_DIR / app / "locale"
        for app in ("accounts", *BUDDYNET_FEATURE_APPS)
        if (BASE_DIR / app / "locale").is_dir()
    ),
    BASE_DIR / "locale",
]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = static_root()
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads on an S3-compatible object store (MinIO, Ceph, Scaleway, AWS, ...) when
# BUDDYNET_S3_BUCKET is set, so several application servers share them; every file is
# still read through a view that checks access (no public or signed URLs are handed out).
S3_BUCKET = os.environ.get("BUDDYNET_S3_BUCKET", "")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("BUDDYNET_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("BUDDYNET_S3_REGION") or None,
            "access_key": os.environ.get("BUDDYNET_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("BUDDYNET_S3_SECRET_KEY") or None,
            "location": env_str("BUDDYNET_S3_PREFIX", ""),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG
# Files the app makes and keeps (prepared funder reports, the network library's clips),
# through Django's storage API. Never served as static files: a view checks who may
# download them (clips by the network's range handler).
MEDIA_ROOT = env_str("BUDDYNET_FILES_DIR", str(DATA_DIR / "files"))
MEDIA_URL = "/media/"

# --- Backups (`buddynet backup` / `restore`, core/backup.py) -------------------------
# A daily backup runs in the queue when BUDDYNET_BACKUP_DAILY is on, keeping the newest
# BUDDYNET_BACKUP_KEEP archives; BUDDYNET_BACKUP_KEY (read where it is used, never kept
# in settings) encrypts them.
BUDDYNET_BACKUP_DIR = env_str("BUDDYNET_BACKUP_DIR", str(DATA_DIR / "backups"))
BUDDYNET_BACKUP_DAILY = env_bool("BUDDYNET_BACKUP_DAILY", False)
BUDDYNET_BACKUP_KEEP = env_int("BUDDYNET_BACKUP_KEEP", 14)

# --- E-mail: every message goes through the queue, with retries ----------------------
EMAIL_BACKEND = "buddynet.core.mail.QueuedEmailBackend"
BUDDYNET_DELIVERY_EMAIL_BACKEND = env_str(
    "BUDDYNET_DELIVERY_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("BUDDYNET_FROM_EMAIL", "buddynet <noreply@buddynet.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Text messages (SMS): an adapter, no provider's SDK (contact/sms.py) ---------------
# "console" (the log), "file" (one file per message in BUDDYNET_SMS_FILE_DIR) or "http"
# (a generic gateway: POST JSON {"to", "from", "text"} to BUDDYNET_SMS_URL with the
# token as a Bearer header).
BUDDYNET_SMS_BACKEND = env_str("BUDDYNET_SMS_BACKEND", "console")
BUDDYNET_SMS_URL = os.environ.get("BUDDYNET_SMS_URL", "")
BUDDYNET_SMS_TOKEN = os.environ.get("BUDDYNET_SMS_TOKEN", "")
BUDDYNET_SMS_SENDER = os.environ.get("BUDDYNET_SMS_SENDER", "buddynet")
BUDDYNET_SMS_FILE_DIR = env_str("BUDDYNET_SMS_FILE_DIR", str(DATA_DIR / "sms"))
BUDDYNET_SMS_TIMEOUT = env_int("BUDDYNET_SMS_TIMEOUT", 10)

# --- Task queue (Huey): embedded SQLite by default, Redis when REDIS_URL is set ------
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env_str("BUDDYNET_QUEUE_NAME", "buddynet"),
        "url": REDIS_URL,
        "immediate": False,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "buddynet",
        "filename": str(DATA_DIR / "queue.sqlite3"),
        "immediate": False,
        # Huey creates its tables when Django starts; before ensure_data_dir() made the
        # folder (a plain ``django-admin makemessages``), it does not touch the disk.
        "create_tables": DATA_DIR.is_dir(),
    }
HUEY["consumer"] = {"workers": env_int("BUDDYNET_QUEUE_WORKERS", 2), "worker_type": "thread"}

# --- Logging ----------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("BUDDYNET_LOG_LEVEL", "INFO")},
    "loggers": {"django.security.DisallowedHost": {"level": "ERROR"}},
}

# --- Product settings -------------------------------------------------------------
BUDDYNET_API_TOKEN_PREFIX = "bn_"  # noqa: S105 — a prefix, not a secret
NINJA_PAGINATION_PER_PAGE = 50
