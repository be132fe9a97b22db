"""The KISS PUT validates every body with one shared serializer (``kiss_write_validated``):
threads validating at once each get exactly what a serializer of their own would give."""

import threading

import pytest
from rest_framework.exceptions import ValidationError

from contactmomenten.api.kiss_serializers import KissContactmomentDetailsWriteSerializer, kiss_write_validated


def _body(n: int) -> dict:
    body = {
        "id": f"https://klantcontacten.example/{n}",
        "startdatum": f"2026-03-02T09:{n % 60:02d}:00Z",
        "einddatum": f"2026-03-02T10:{n % 60:02d}:00+01:00",
        "vraag": f"  Vraag {n}  ",
        "specifiekevraag": f"Specifiek {n}",
        "gespreksId": f"gesprek-{n}",
        "bronnen": [
            {"url": f"https://e.nl/{n}/{i}", "titel": f"Bron {i}", "soort": "vac"} for i in range(n % 4)
        ],
    }
    if n % 5 == 0:
        body["einddatum"] = "2026-03-02T08:00:00Z"  # before startdatum: invalid
    if n % 7 == 0:
        body["bronnen"] = [{"url": "https://e.nl", "titel": "", "soort": "vac"}]  # invalid
    return body


def _own_serializer(body: dict):
    serializer = KissContactmomentDetailsWriteSerializer(data=body)
    return dict(serializer.validated_data) if serializer.is_valid() else serializer.errors


def _shared(body: dict):
    try:
        return kiss_write_validated(body)
    except ValidationError:
        return "invalid"


def test_the_shared_serializer_gives_each_thread_its_own_result():
    bodies = [_body(n) for n in range(60)]
    expected = [_own_serializer(body) for body in bodies]
    assert any(isinstance(e, dict) and "einddatum" in e and "contactmoment" not in e for e in expected)
    assert sum("contactmoment" in e for e in expected) > 30  # most are valid
    results, failures = {}, []
    start = threading.Barrier(8)

    def validate(worker: int):
        start.wait()
        for _ in range(20):
            for n in range(worker, len(bodies), 8):
                result = _shared(bodies[n])
                want = expected[n] if "contactmoment" in expected[n] else "invalid"
                if result != want:
                    failures.append((n, result, want))
                results[n] = result

    threads = [threading.Thread(target=validate, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not failures
    assert len(results) == len(bodies)


@pytest.mark.parametrize("body", [None, [], "x", {"id": None}])
def test_a_body_the_shared_serializer_refuses_is_refused_by_a_serializer_of_its_own(body):
    with pytest.raises(ValidationError):
        kiss_write_validated(body)
    assert not KissContactmomentDetailsWriteSerializer(data=body).is_valid()
