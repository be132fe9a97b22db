"""gunicorn settings of ``make serve``, each from the environment (README, "make serve").

Connections: every gthread thread keeps at most one database connection (CONN_MAX_AGE), so
one instance never holds more than WEB_CONCURRENCY x GUNICORN_THREADS connections.
"""

import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# gthread: long streamed exports do not block the worker's heartbeat.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
# Django decides about X-Forwarded-* (USE_X_FORWARDED_PROTO, USE_X_FORWARDED_HOST).
forwarded_allow_ips = ""
# No control socket: its default path ($HOME/.gunicorn or $XDG_RUNTIME_DIR) is shared by every
# gunicorn of that user, so two services on one host would take over each other's.
control_socket_disable = True
# Request lines are logged by Django (django-structlog), as JSON without query values.
accesslog = None
