"""Issue 11 §2: the database goes away while KISS saves, and comes back.

Starts ``make serve`` (the project's gunicorn) on a throwaway, migrated ``bench_outage``
database next to ``DATABASE_URL``, reached through a TCP relay on 127.0.0.1. Clients PUT
distinct KISS records on fresh connections; after ``--before`` seconds the relay cuts every
database connection and refuses new ones for ``--outage`` seconds (to the service exactly
what a stopped PostgreSQL looks like, without stopping the shared cluster), then lets them
through again. Prints writes acknowledged, refused (503), other answers, the slowest answer
during the outage, rows present of the acknowledged writes and seconds to recover; exits 1
when a rule of the issue is broken (a non-503 error, a slow answer, a lost write, no
recovery).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/db_outage.py
"""

import argparse
import contextlib
import socket
import sys
import threading
import time
from collections import Counter

from common import ROOT, bench_database, django_setup

sys.path.insert(0, str(ROOT))


class Relay:
    """A TCP relay to the database that can be taken down (all connections cut, new ones
    refused) and brought up again on the same port."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = 0
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.listener = None
        self.up()

    def up(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.port = self.listener.getsockname()[1]
        self.listener.listen(128)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def down(self):
        self.listener.close()
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets.update((client, server))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source, destination):
        try:
            while data := source.recv(65536):
                destination.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, destination):
                with contextlib.suppress(OSError):
                    sock.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--before", type=float, default=3.0, help="seconds of saving before the outage")
    parser.add_argument("--outage", type=float, default=6.0, help="seconds the database is away")
    parser.add_argument("--after", type=float, default=5.0, help="seconds of saving after recovery")
    parser.add_argument("--max-answer-seconds", type=float, default=5.0)
    args = parser.parse_args()

    django_setup()
    from django.db import connection

    from contactmomenten.models import ContactmomentDetails
    from contactmomenten.services import api_token_create
    from tests.factories import KissContactmomentDetailsBodyFactory
    from tests.serving.load import ID_PREFIX, KISS
    from tests.serving.server import gunicorn_server, http_request

    with bench_database("outage") as name:
        params = connection.settings_dict
        relay = Relay((params["HOST"] or "127.0.0.1", int(params["PORT"] or 5432)))
        login = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
        key = api_token_create(name="KISS storingstest", role="kcm")[1]
        headers = {"Authorization": f"Token {key}"}
        outcomes = []  # (id, status, started, seconds)
        stop = threading.Event()
        counter = iter(range(10**9))
        counter_lock = threading.Lock()

        def client(base_url):
            while not stop.is_set():
                with counter_lock:
                    contactmoment = f"{ID_PREFIX}outage-{next(counter)}"
                started = time.monotonic()
                try:
                    answer = http_request(
                        base_url,
                        "PUT",
                        KISS,
                        body=KissContactmomentDetailsBodyFactory(id=contactmoment),
                        headers=headers,
                        timeout=30,
                    )
                    status, body = answer.status, answer.body
                except OSError as error:
                    status, body = type(error).__name__, b""
                outcomes.append((contactmoment, status, started, time.monotonic() - started, body[:120]))

        database = f"postgres://{login}@127.0.0.1:{relay.port}/{name}"
        with gunicorn_server(database=database) as base_url:
            threads = [threading.Thread(target=client, args=(base_url,)) for _ in range(args.clients)]
            for thread in threads:
                thread.start()
            time.sleep(args.before)
            down_at = time.monotonic()
            relay.down()
            print(f"database away for {args.outage:g} s ...", flush=True)
            time.sleep(args.outage)
            relay.up()
            up_at = time.monotonic()
            print("database back", flush=True)
            recovered_at = None
            while time.monotonic() - up_at < 60:
                done = [o for o in list(outcomes) if o[2] >= up_at and isinstance(o[1], int) and o[1] < 300]
                if done:
                    recovered_at = min(o[2] + o[3] for o in done)
                    break
                time.sleep(0.1)
            time.sleep(args.after)
            stop.set()
            for thread in threads:
                thread.join()
        relay.down()

        acknowledged = [o[0] for o in outcomes if isinstance(o[1], int) and 200 <= o[1] < 300]
        refused = [o for o in outcomes if o[1] == 503]
        others = Counter(f"{o[1]} {o[4]!r}" for o in outcomes if not (o[0] in acknowledged or o[1] == 503))
        during = [o[3] for o in outcomes if down_at <= o[2] + o[3] and o[2] <= up_at]
        present = ContactmomentDetails.objects.filter(contactmoment__in=acknowledged).count()
        recover = None if recovered_at is None else recovered_at - up_at
        print(f"writes acknowledged (2xx): {len(acknowledged)}")
        print(f"writes refused (503 problem+json): {len(refused)}")
        print(f"other answers: {dict(others) or 0}")
        print(f"slowest answer during the outage: {max(during, default=0):.2f} s")
        print(f"rows present of the acknowledged writes: {present} of {len(acknowledged)}")
        recover_text = "never" if recover is None else f"{recover:.2f}"
        print(f"seconds to recover after the database came back: {recover_text}")
        ok = (
            not others
            and refused
            and present == len(acknowledged)
            and recover is not None
            and max(during, default=0) <= args.max_answer_seconds
        )
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
