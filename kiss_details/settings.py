"""The one settings module of kiss-details.

Every value that differs between a developer's laptop and production comes from the
environment through one helper (``env``, django-environ); the README lists each variable.
Nothing here branches on "am I in CI": tests and CI set the same variables a deployment would.
"""

import logging
from datetime import timedelta
from pathlib import Path

import environ
import structlog
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (or set DEBUG=true for development)."
        )
    # Only for local development: DEBUG is on and no key was given.
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: its runserver (make run) with a larger listen backlog.
    "kiss_details",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_structlog",
    # Before contactmomenten: its permissions exist when the role groups are synced.
    "contactmomenten.apps.AxesConfig",
    "contactmomenten",
]

MIDDLEWARE = [
    # /healthz first: probes reach it on any host name, over plain HTTP, without a log line.
    "contactmomenten.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    "contactmomenten.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "contactmomenten.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes requires: turns a locked-out admin login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kiss_details.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "kiss_details.wsgi.application"


def _database(url: dict) -> dict:
    """A database of ``env.db_url``; PostgreSQL through Django's backend with a health check
    that polls the socket first (kiss_details.postgresql)."""
    if url["ENGINE"] == "django.db.backends.postgresql":
        url["ENGINE"] = "kiss_details.postgresql"
    return url


# Database: PostgreSQL in production, an SQLite file inside the project folder as the
# embedded default (ignored by git).
DATABASES = {
    "default": _database(env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")),
}
# 0: a connection per request, closed after it. The development server runs a thread per
# connection, so kept connections would pile up past PostgreSQL's max_connections; `make
# serve` keeps them (CONN_MAX_AGE=60), bounded by its threads (README, "Connections").
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"] == "kiss_details.postgresql":
    # A database that does not answer is a quick 503 (and a failing /healthz), not a hang.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=2))
    # Parameters bound by the server. Prepared (parsed and planned once per connection) only
    # what asks for it: the statements every KISS PUT runs (contactmomenten.raw_sql
    # .execute_prepared), whose plan never depends on their values. psycopg's automatic
    # preparation stays out of reach (the threshold is never met): its generic plans made a
    # year's statistics a third slower. DATABASE_PREPARED_STATEMENTS=false for a pooler that
    # cannot keep prepared statements (PgBouncer in transaction mode before 1.21, or without
    # max_prepared_statements).
    options.setdefault("server_side_binding", True)
    options.setdefault(
        "prepare_threshold", 2**31 - 1 if env.bool("DATABASE_PREPARED_STATEMENTS", default=True) else None
    )
# A read replica (e.g. a PostgreSQL streaming standby): the read-only management views read
# from it (contactmomenten.replica). A test run reads the test database of default on it:
# a physical replica has every database of its primary, test databases included.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **_database(env.db_url("DATABASE_REPLICA_URL")),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": DATABASES["default"]["CONN_HEALTH_CHECKS"],
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["contactmomenten.replica.ReplicaRouter"]

# /healthz gives up on a database that accepts connections but does not answer.
HEALTHZ_STATEMENT_TIMEOUT_MS = env.int("HEALTHZ_STATEMENT_TIMEOUT_MS", default=1500)

# Larger bodies get 413 before anything parses them (contactmomenten.middleware).
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Login: OpenID Connect (contactmomenten.oidc) when OIDC_AUTHORITY is set, local passwords
# otherwise. With OIDC on, a local password works for a superuser only (break-glass access),
# and not at all with OIDC_ONLY. The backends decide per request, so nothing else branches.
AUTHENTICATION_BACKENDS = [
    "contactmomenten.oidc.backends.AdminLoginLockoutBackend",  # django-axes, first
    "contactmomenten.oidc.backends.OidcBackend",
    "contactmomenten.oidc.backends.LocalPasswordBackend",
]

# Brute force on the admin login (django-axes): after AXES_FAILURE_LIMIT failed passwords for
# one username from one IP address that pair is locked for AXES_COOLOFF_MINUTES (0: until a
# beheerder deletes the "Toegangspoging" in the admin). Per username + IP, never per IP alone,
# so one person cannot lock out a municipality's shared address; only the admin login counts
# (OIDC logins refused for a missing role and API clients are not password guesses).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES) if AXES_COOLOFF_MINUTES else None
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_ONLY_ADMIN_SITE = True
AXES_WHITELIST_CALLABLE = "contactmomenten.oidc.backends.not_a_password_guess"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "contactmomenten/login_locked.html"
# The client's address: REMOTE_ADDR, unless AXES_IPWARE_PROXY_COUNT proxies in front add
# X-Forwarded-For (trusting that header without a proxy would let a guesser pick any address).
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT else ("REMOTE_ADDR",)
)

# Content-Security-Policy on every response (django-csp): scripts only from this service, no
# inline scripts or event handlers; inline styles stay allowed (Redoc's styled-components and
# the admin's style attributes). A view may set a stricter header of its own (the dashboard).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Everything user-facing is Dutch, whatever language a browser or client asks for (no
# LocaleMiddleware): KISS and the Dutch API design rules speak Dutch.
LANGUAGE_CODE = "nl"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed, not manifest-hashed: pages render even before collectstatic has run.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve static files straight from the apps when no collectstatic has run (development
# and tests); production runs collectstatic first.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)

# Security: safe defaults that only loosen in DEBUG.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("USE_X_FORWARDED_PROTO", default=False) else None
)
USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Logs: JSON lines on stderr (structlog), one per request from django-structlog with the
# fields contactmomenten.request_log chooses; never bodies, query values or IP addresses.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
DJANGO_STRUCTLOG_USER_ID_FIELD = None  # request_log logs the client name or user id itself
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG  # one line per request: when it ends
_LOG_PROCESSORS = [
    structlog.contextvars.merge_contextvars,
    structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
]
structlog.configure(
    processors=[
        structlog.stdlib.filter_by_level,
        *_LOG_PROCESSORS,
        structlog.stdlib.PositionalArgumentsFormatter(),
        structlog.processors.format_exc_info,
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    cache_logger_on_first_use=True,
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processors": [
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(ensure_ascii=False),
            ],
            "foreign_pre_chain": [*_LOG_PROCESSORS, structlog.stdlib.ExtraAdder()],
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The request line is logged once, by django-structlog: not again by Django (4xx
        # warnings) or by runserver (whose lines carry the query string).
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "CRITICAL"},
        # django-axes logs every login at INFO; lockouts and failures stay (WARNING).
        "axes": {"level": "WARNING"},
    },
}

# API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "contactmomenten.api.authentication.ApiTokenAuthentication",
        "contactmomenten.api.authentication.ManagementinformatieJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["contactmomenten.api.permissions.HasRole"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # problem+json (RFC 9457) for /api/v1 only; other endpoints keep DRF's error shapes.
    "EXCEPTION_HANDLER": "contactmomenten.api.exceptions.problem_exception_handler",
    "UNAUTHENTICATED_USER": None,
}

# The OpenAPI schema and its docs pages need a login (any role) unless this is set.
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=False)

SPECTACULAR_SETTINGS = {
    "TITLE": "kiss-details API",
    "DESCRIPTION": (
        "Contactmomentdetails voor KISS (Klantinteractie-Servicesysteem): de details van "
        "een contactmoment die niet in het Klantinteracties-register passen, voor "
        "managementinformatie."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No call to the public validator.swagger.io from the docs page.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "contactmomenten.api.schema.schema_dutch_descriptions",
    ],
}

# Managementinformatie (upstream KISS: MANAGEMENTINFORMATIE__API_KEY). A JWT signed with this
# key gives analist rights. Shorter than 32 characters disables the JWT scheme.
MANAGEMENTINFORMATIE_API_KEY = env.str("MANAGEMENTINFORMATIE_API_KEY", default="")
# Clock tolerance for exp/iat, in seconds (upstream: 5 minutes).
MANAGEMENTINFORMATIE_JWT_LEEWAY = env.int("MANAGEMENTINFORMATIE_JWT_LEEWAY", default=300)
# Longest accepted token lifetime exp - iat, in seconds (default 24 hours).
MANAGEMENTINFORMATIE_JWT_MAX_LIFETIME = env.int("MANAGEMENTINFORMATIE_JWT_MAX_LIFETIME", default=24 * 60 * 60)

# OpenID Connect login (README "Inloggen met OIDC"), with mozilla-django-oidc. The endpoints
# come from the provider's discovery document under OIDC_AUTHORITY; empty: OIDC is off.
OIDC_AUTHORITY = env.str("OIDC_AUTHORITY", default="").rstrip("/")
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_RP_SCOPES = env.str("OIDC_SCOPES", default="openid email profile")
OIDC_RP_SIGN_ALGO = env.str("OIDC_SIGN_ALGO", default="RS256")
# Where the roles are in the claims (a dotted path walks nested objects) and their values.
OIDC_ROLE_CLAIM = env.str("OIDC_ROLE_CLAIM", default="roles")
OIDC_BEHEERDER_ROLE = env.str("OIDC_BEHEERDER_ROLE", default="Beheerder")
OIDC_ANALIST_ROLE = env.str("OIDC_ANALIST_ROLE", default="Analist")
OIDC_KLANTCONTACTMEDEWERKER_ROLE = env.str(
    "OIDC_KLANTCONTACTMEDEWERKER_ROLE", default="Klantcontactmedewerker"
)
OIDC_ONLY = env.bool("OIDC_ONLY", default=False)
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_TOKEN_USE_BASIC_AUTH = True  # client_secret_basic, the default method of the spec
OIDC_STORE_ID_TOKEN = True  # sent as id_token_hint at logout (RP-initiated logout)
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
LOGIN_REDIRECT_URL = "/admin/"

# Privacy (AVG), see contactmomenten.privacy and the README section "Privacy (AVG)".
# What the analist role sees of emailadresKcm: weglaten (default) | pseudoniem | tonen.
EMAILADRES_KCM_VOOR_ANALIST = env.str("EMAILADRES_KCM_VOOR_ANALIST", default="weglaten")
if EMAILADRES_KCM_VOOR_ANALIST not in ("weglaten", "pseudoniem", "tonen"):
    raise ImproperlyConfigured("EMAILADRES_KCM_VOOR_ANALIST must be weglaten, pseudoniem or tonen.")
# The HMAC key of the pseudonyms; required with pseudoniem (changing it changes every pseudonym).
EMAILADRES_KCM_PSEUDONIEM_SLEUTEL = env.str("EMAILADRES_KCM_PSEUDONIEM_SLEUTEL", default="")
if EMAILADRES_KCM_VOOR_ANALIST == "pseudoniem" and len(EMAILADRES_KCM_PSEUDONIEM_SLEUTEL) < 32:
    raise ImproperlyConfigured(
        "EMAILADRES_KCM_VOOR_ANALIST=pseudoniem needs EMAILADRES_KCM_PSEUDONIEM_SLEUTEL "
        "(at least 32 characters)."
    )
# Retention (README "Privacy (AVG)"): manage.py apply_retention empties specifiekeVraag and
# emailadresKcm of records whose einddatum is more than this many days ago, in their history
# too, and the search terms of older export log rows. Unset: everything is kept (manage.py
# check warns when DEBUG is off).
BEWAARTERMIJN_DAGEN = env.str("BEWAARTERMIJN_DAGEN", default="").strip() or None
if BEWAARTERMIJN_DAGEN is not None:
    if not BEWAARTERMIJN_DAGEN.isdigit() or int(BEWAARTERMIJN_DAGEN) < 1:
        raise ImproperlyConfigured(
            "BEWAARTERMIJN_DAGEN must be a whole number of days, at least 1 (or unset)."
        )
    BEWAARTERMIJN_DAGEN = int(BEWAARTERMIJN_DAGEN)
# Also empty the titels of the bronnen of those records (a titel may name a citizen's case).
BEWAARTERMIJN_BRONTITELS = env.bool("BEWAARTERMIJN_BRONTITELS", default=False)
