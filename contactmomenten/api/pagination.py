"""Page-number pagination of /api/v1: ``page`` and ``pageSize`` (default 100, at most 5000).

Unlike DRF's default, a ``page`` or ``pageSize`` that is not a positive whole number (or a
``pageSize`` above the maximum) is a 400 naming the parameter, not silently replaced by a
default: a client that asks for something else than it gets would miss records. A page
beyond the last one stays DRF's 404.
"""

from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 5000


class ContactmomentDetailsPagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_query_param = "page"
    page_size_query_param = "pageSize"
    page_query_description = "Paginanummer, vanaf 1."
    page_size_query_description = (
        f"Aantal resultaten per pagina (standaard {DEFAULT_PAGE_SIZE}, maximaal {MAX_PAGE_SIZE})."
    )
    invalid_page_message = "Deze pagina bestaat niet."

    def paginate_queryset(self, queryset, request, view=None):
        self._validate(request.query_params)
        return super().paginate_queryset(queryset, request, view)

    def _validate(self, params) -> None:
        errors = {}
        page = params.get(self.page_query_param)
        if page is not None and page != "last" and not _positive_int(page):
            errors[self.page_query_param] = ["Geef een paginanummer: een geheel getal vanaf 1."]
        size = params.get(self.page_size_query_param)
        if size is not None and not (_positive_int(size) and int(size) <= self.max_page_size):
            errors[self.page_size_query_param] = [
                f"Geef een paginagrootte: een geheel getal van 1 tot en met {self.max_page_size}."
            ]
        if errors:
            raise serializers.ValidationError(errors, code="invalid")

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        descriptions = {
            "count": "Totaal aantal records dat aan de filters voldoet.",
            "next": "Absolute URL van de volgende pagina, of null op de laatste.",
            "previous": "Absolute URL van de vorige pagina, of null op de eerste.",
            "results": "De records van deze pagina.",
        }
        for name, description in descriptions.items():
            response["properties"][name]["description"] = description
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
                parameter["schema"]["default"] = self.page_size
        return parameters


def _positive_int(value: str) -> bool:
    return value.isascii() and value.isdigit() and int(value) >= 1
