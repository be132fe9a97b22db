"""Strict query parameters for /api/v1: an unknown parameter is a 400, never ignored.

A typo such as ``?afdeling=Burgerzaken`` (for ``verantwoordelijkeAfdeling``) would otherwise
answer 200 with every record, and an analyst's report would silently cover everything.
``StrictQueryParamsMixin`` knows the parameters a view declares — its FilterSet's filters,
its paginator's parameters (as the paginator documents them in the OpenAPI schema) and the
view's own ``extra_query_params`` — and refuses anything else with a problem+json 400 whose
``invalidParams`` names each unknown parameter and lists the valid ones.

The upstream-compatible KISS endpoints do not use it: upstream ignores unknown parameters.
"""

from rest_framework import exceptions


class StrictQueryParamsMixin:
    """For an APIView/ViewSet of /api/v1. Add parameters the view reads itself (not through a
    FilterSet or paginator) to ``extra_query_params``."""

    extra_query_params: tuple[str, ...] = ()

    def known_query_params(self) -> set[str]:
        names = set(self.extra_query_params)
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            names |= set(filterset_class.base_filters)
        paginator = getattr(self, "paginator", None)
        if paginator is not None:
            names |= {parameter["name"] for parameter in paginator.get_schema_operation_parameters(self)}
        return names

    def initial(self, request, *args, **kwargs):
        # After authentication and permissions: a client without access learns nothing here.
        super().initial(request, *args, **kwargs)
        known = self.known_query_params()
        # Names are cut short in the answer: it echoes what the client sent.
        unknown = sorted(name[:100] for name in set(request.query_params) - known)
        if unknown:
            valid = ", ".join(sorted(known)) or "geen"
            raise exceptions.ValidationError(
                {
                    name: [
                        exceptions.ErrorDetail(
                            f"Onbekende queryparameter '{name}'. Geldige parameters: {valid}.",
                            code="unknown_parameter",
                        )
                    ]
                    for name in unknown
                }
            )
