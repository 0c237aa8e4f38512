"""Settings, read from the environment with safe defaults (one file; `fazhi demo` sets the development values).

Environment:
    FAZHI_DATA_DIR      where the SQLite database and uploaded files live (default ./var)
    DATABASE_URL        e.g. postgres://postgres@127.0.0.1:5432/fazhi (default: SQLite in FAZHI_DATA_DIR)
    FAZHI_SECRET_KEY    required unless FAZHI_DEBUG=1
    FAZHI_DEBUG         1 for development pages; never on a served intranet
    FAZHI_ALLOWED_HOSTS comma-separated host names (default 127.0.0.1,localhost)
    FAZHI_HTTPS         1 when served over HTTPS: secure cookies and HSTS
    FAZHI_WARN_DAYS     warn this many days before a due date (default 14; `send_warnings --days` overrides)
    FAZHI_BASE_URL      the address people open, for links in e-mails (default http://127.0.0.1:8000)
    FAZHI_EMAIL_FROM    the sender of warning e-mails
    FAZHI_JOBS_BROKER   the queue for background jobs (docs/jobs.md): redis://127.0.0.1:6379/0 or
                        amqp://guest:guest@127.0.0.1:5672/ ; unset, jobs run in a small thread pool of the web process
    FAZHI_JOBS_QUEUE    the queue's name (default fazhi)
    FAZHI_JOBS_THREADS  threads running jobs in the web process when no broker is set (default 2)
    FAZHI_JOBS_STALE_SECONDS  a running job not heard from for this long is marked failed (default 900)
    FAZHI_JOBS_KEEP_DAYS  finished jobs and their files are deleted this many days after they end (default 30)
    FAZHI_IDLE_MINUTES  sign out a session nobody has used for this long (default 30)
    FAZHI_OFFICE_TOTP   "required": office administrators must use two-step verification (TOTP); default optional
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("FAZHI_DATA_DIR", "var")).resolve()
DEBUG = os.environ.get("FAZHI_DEBUG", "") == "1"
HTTPS = os.environ.get("FAZHI_HTTPS", "") == "1"

SECRET_KEY = os.environ.get("FAZHI_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("请设置环境变量 FAZHI_SECRET_KEY（或在开发环境设置 FAZHI_DEBUG=1）")
    SECRET_KEY = "development-only-not-secret"

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("FAZHI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
if DEBUG:
    ALLOWED_HOSTS += ["testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves the API docs page's Swagger UI from its own static files, not a CDN
    "rules",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "fazhi_web.plans",
    "fazhi_web.tracking",
    "fazhi_web.api",
    "fazhi_web.jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "fazhi_web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "fazhi_web.middleware.IdleTimeoutMiddleware",
    "fazhi_web.middleware.OfficeSecondFactorMiddleware",
]

ROOT_URLCONF = "fazhi_web.urls"
WSGI_APPLICATION = "fazhi_web.wsgi.application"

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
                "fazhi_web.plans.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'fazhi.sqlite3'}", conn_max_age=60, conn_health_checks=True,
    ),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets pages be read while an import is being published; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [  # Django's rules, with the reasons in Chinese
    {"NAME": "fazhi_web.accounts.passwords.NotLikeTheAccount"},
    {"NAME": "fazhi_web.accounts.passwords.MinimumLength", "OPTIONS": {"min_length": 10}},
    {"NAME": "fazhi_web.accounts.passwords.NotCommon"},
    {"NAME": "fazhi_web.accounts.passwords.NotAllDigits"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Sign-in lock-out: five failures for one user name from one address locks it for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("FAZHI_STATIC_ROOT") or None  # only for `collectstatic` behind a web server
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the apps' static folders: no collectstatic step
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "files"

# Uploads: plan documents up to 20 MB (the reader has its own limits beyond that).
FAZHI_MAX_UPLOAD_BYTES = int(os.environ.get("FAZHI_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
FAZHI_MAX_EVIDENCE_BYTES = int(os.environ.get("FAZHI_MAX_EVIDENCE_BYTES", 20 * 1024 * 1024))
FAZHI_UPLOAD_EXTENSIONS = (".txt", ".docx", ".pdf", ".html", ".htm", ".xlsx", ".csv")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600  # one working day at most, and signed out sooner when idle:
FAZHI_IDLE_MINUTES = int(os.environ.get("FAZHI_IDLE_MINUTES", "30"))
# Two-step verification (django-otp, TOTP): anyone may turn it on; "required" makes it compulsory for offices.
FAZHI_OFFICE_TOTP_REQUIRED = os.environ.get("FAZHI_OFFICE_TOTP", "").strip().lower() == "required"
OTP_TOTP_ISSUER = "法治政府建设任务管理"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True  # names below this host only, e.g. files.fazhi.<domain>
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True  # nginx redirects too (deploy/nginx); this catches a proxy set up without it
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the service manager's health check on 127.0.0.1 speaks plain HTTP
    # The HSTS preload list is for public internet names; an intranet host is never submitted to it.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

EMAIL_BACKEND = os.environ.get("FAZHI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("FAZHI_EMAIL_FROM", "fazhi@localhost")
FAZHI_WARN_DAYS = int(os.environ.get("FAZHI_WARN_DAYS", "14"))
FAZHI_BASE_URL = os.environ.get("FAZHI_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background jobs (fazhi_web.jobs, docs/jobs.md): parsing uploads, whole-jurisdiction ledgers, peer alignments.
FAZHI_JOBS_BROKER = os.environ.get("FAZHI_JOBS_BROKER", "").strip()
FAZHI_JOBS_QUEUE = os.environ.get("FAZHI_JOBS_QUEUE", "fazhi").strip() or "fazhi"
FAZHI_JOBS_THREADS = int(os.environ.get("FAZHI_JOBS_THREADS", "2"))
FAZHI_JOBS_STALE_SECONDS = int(os.environ.get("FAZHI_JOBS_STALE_SECONDS", "900"))
FAZHI_JOBS_TIME_LIMIT_SECONDS = int(os.environ.get("FAZHI_JOBS_TIME_LIMIT_SECONDS", "1800"))
# Finished jobs and their files are deleted this many days after they end (manage purge_jobs, run daily).
FAZHI_JOBS_KEEP_DAYS = int(os.environ.get("FAZHI_JOBS_KEEP_DAYS", "30"))
FAZHI_JOBS_SYNC = os.environ.get("FAZHI_JOBS_SYNC", "") == "1"  # run each job inside the request (tests)
# A whole-jurisdiction ledger with more rows than this is built as a job; smaller ones download at once.
FAZHI_LEDGER_DIRECT_ROWS = int(os.environ.get("FAZHI_LEDGER_DIRECT_ROWS", "3000"))
# The peers page computes at most this many missing alignments in the request; more, and it offers a job.
FAZHI_PEERS_DIRECT_ALIGNMENTS = int(os.environ.get("FAZHI_PEERS_DIRECT_ALIGNMENTS", "3"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"fazhi_web": {"handlers": ["console"], "level": "INFO"}},
}
