"""Historical rows of contactmomentdetails written in bulk, for the writers that cannot
afford a model instance and a signal per record (``seed_demo_data``, ``import_kiss``).

Here live the column lists those writers fill, the check that refuses to write when a model
gained a column they do not know, and ``history_rows_insert``: the rows
django-simple-history's ``bulk_create_with_history`` would write, copied from the records
as stored, with the bronnen snapshot ``contactmomenten.history`` keeps in each of them.
"""

from collections.abc import Sequence

from contactmomenten.constants import DETAIL_FIELDS
from contactmomenten.models import ContactmomentDetails

# The columns of a record, in the order the bulk writers produce them.
DETAILS_COLUMNS = ("id", "uuid", "contactmoment", *DETAIL_FIELDS, "aangemaakt", "gewijzigd")
HISTORY_COLUMNS = (*DETAILS_COLUMNS, "history_date", "history_type", "history_bronnen", "history_api_client")
# Left to their defaults by the writers: identities, who and why.
HISTORY_DEFAULTED = frozenset({"history_id", "history_change_reason", "history_user_id"})


def columns_check(model, columns: Sequence[str], defaulted=frozenset(), *, writer: str) -> None:
    """Refuse to write when the model has a column ``writer`` does not know (yet)."""
    table = {field.column for field in model._meta.concrete_fields} - defaulted
    if table != set(columns) - defaulted:
        raise RuntimeError(
            f"{writer} kent de kolommen van {model._meta.db_table} niet: "
            f"{sorted(table.symmetric_difference(columns))}"
        )


def history_rows_insert(
    cursor, rows_sql: str, params: Sequence = (), *, date, api_client: str, change_reason: str | None = None
) -> int:
    """One historical row per row of ``rows_sql`` (a query of ``(record id, history_type,
    bronnen snapshot)``), with the record's fields as they are stored now; one statement for
    all of them. Returns how many rows were written."""
    columns_check(
        ContactmomentDetails.history.model, HISTORY_COLUMNS, HISTORY_DEFAULTED, writer="history_rows_insert"
    )
    names = ", ".join(f'"{c}"' for c in (*HISTORY_COLUMNS, "history_change_reason"))
    selected = ", ".join(f'd."{c}"' for c in DETAILS_COLUMNS)
    cursor.execute(
        f'INSERT INTO "{ContactmomentDetails.history.model._meta.db_table}" ({names}) '
        f"SELECT {selected}, %s, t.history_type, t.snapshot, %s, %s "
        f"FROM ({rows_sql}) AS t(id, history_type, snapshot) "
        f'JOIN "{ContactmomentDetails._meta.db_table}" d ON d.id = t.id',
        [date, api_client, change_reason, *params],
    )
    return cursor.rowcount
