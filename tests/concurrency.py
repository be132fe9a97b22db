"""Run requests at the same moment from real threads, each closing its own database
connection, so they race inside PostgreSQL (used by the concurrency tests)."""

import threading
from collections.abc import Callable

from django.db import connection


def run_concurrently(requests: list[Callable[[], object]]) -> list:
    """Start all ``requests`` together; returns each result, or the repr of its exception
    (a 500 surfaces as the view's exception in the test client)."""
    barrier = threading.Barrier(len(requests))
    outcomes = [None] * len(requests)

    def worker(index):
        try:
            barrier.wait()
            outcomes[index] = requests[index]()
        except Exception as exc:
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
