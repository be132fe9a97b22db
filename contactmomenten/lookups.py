"""``__eindigt_op``: a case-insensitive "ends with" that a btree index serves on PostgreSQL.

The admin search finds a record by its contactmoment: the whole klantcontact URL, or its end
(the klantcontact's UUID, ``klantcontacten/<uuid>``). A substring (trigram) index over URLs
that end in a random UUID was the most expensive index of the table to maintain (more than
half of every bulk insert); a suffix match on the reversed value is a btree range scan
instead. The index (``reverse(lower(contactmoment)) text_pattern_ops``) is made by migration
0011 on PostgreSQL; elsewhere the lookup is Django's ``iendswith``.
"""

from django.db.models import CharField, Lookup
from django.db.models.lookups import IEndsWith


@CharField.register_lookup
class EindigtOp(Lookup):
    lookup_name = "eindigt_op"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            return IEndsWith(self.lhs, self.rhs).as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # Reversed in Python, so that the pattern is a constant prefix the planner can turn
        # into an index range; LIKE's wildcards in the term are escaped (backslash).
        pattern = connection.ops.prep_for_like_query(str(self.rhs).lower()[::-1]) + "%"
        return f"reverse(lower({lhs})) LIKE %s", [*lhs_params, pattern]
