"""The one query-string datetime parser shared by the /api/v1 filters and the KISS management
endpoint: '+' that arrived as a space, UTC for aware values, naive values only with a zone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from contactmomenten.datetimes import query_datetime

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    "value",
    [
        "2024-03-01T10:00:00+01:00",
        "2024-03-01T10:00:00 01:00",
        "2024-03-01T10:00:00 0100",
        "2024-03-01T09:00:00Z",
    ],
)
def test_an_offset_with_or_without_its_plus_is_the_same_moment_in_utc(value):
    moment = query_datetime(value)
    assert moment == datetime(2024, 3, 1, 9, tzinfo=UTC) and moment.tzinfo is UTC


def test_a_naive_value_is_refused_unless_a_zone_is_given():
    assert query_datetime("2024-03-01T10:00:00") is None
    assert query_datetime("2024-03-01T10:00:00", naive_zone=AMS) == datetime(2024, 3, 1, 10, tzinfo=AMS)


@pytest.mark.parametrize(
    "value", ["2024-02-30T10:00:00Z", "0001-01-01T00:00:00+01:00", "gisteren", "2024-03-01T10:00:00+25:00"]
)
def test_impossible_or_unrepresentable_values_are_none(value):
    assert query_datetime(value) is None


def test_the_kiss_endpoint_and_the_filters_agree_on_a_moment():
    from contactmomenten.api.kiss import parse_rapportage_datetime
    from contactmomenten.filters import datum_of_datumtijd

    value = "2024-03-01T10:00:00 01:00"
    assert parse_rapportage_datetime(value) == datum_of_datumtijd(value) == query_datetime(value)
