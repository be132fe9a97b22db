"""Django's PostgreSQL backend with a cheaper health check of kept connections.

With CONN_HEALTH_CHECKS, Django asks a kept connection ``SELECT 1`` before the first query of
every request: a round trip to the server per request, about a tenth of a KISS PUT's CPU in
the worker. A connection the server closed (a restart, ``idle_session_timeout``,
``pg_terminate_backend``) has something to read: PostgreSQL's FATAL message or the end of
the stream, which a healthy idle connection normally has not. So the socket is polled
first, without waiting, and only a readable one (a closed one, or one with a notice waiting)
gets Django's ``SELECT 1``, which fails for a closed connection, so Django connects again. A
connection whose network path died silently is found quickly by neither check.
tests/serving/test_connection_lost.py terminates the server's connections between requests.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        poll = select.poll()  # not select(): no limit on the descriptor's number
        try:
            poll.register(self.connection.fileno(), select.POLLIN)
        except (OSError, ValueError, base.Database.Error):
            return False  # closed, or no socket any more
        # Readable, hung up or failed: let Django's SELECT 1 decide.
        return not poll.poll(0) or super().is_usable()
