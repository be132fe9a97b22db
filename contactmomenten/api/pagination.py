"""Page-number pagination of /api/v1: ``page`` and ``pageSize`` (default 100, at most 5000),
served as keyset pages (``contactmomenten.paging``): the ``next`` link carries a ``cursor`` so
a walk costs the same on every page; a page number asked directly still works.

Unlike DRF's default, a ``page`` or ``pageSize`` that is not a positive whole number (or a
``pageSize`` above the maximum) is a 400 naming the parameter, not silently replaced by a
default: a client that asks for something else than it gets would miss records. A page
beyond the last one stays DRF's 404. The body is written by ``contactmomenten.api.pages``.
"""

from urllib.parse import urlencode

from django.db.models import QuerySet
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

from contactmomenten.api.pages import page_chunks, page_response
from contactmomenten.constants import MAX_PAGE_SIZE
from contactmomenten.paging import InvalidCursor
from contactmomenten.selectors import contactmomentdetails_page

DEFAULT_PAGE_SIZE = 100


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
    cursor_query_param = "cursor"
    cursor_query_description = (
        "Alleen uit de next-link: de volgende pagina leest verder waar de vorige ophield (even snel "
        "op elke diepte). Zonder cursor geldt page."
    )

    def page_response(self, queryset: QuerySet, request, role: str | None, record):
        """The streamed response with page ``page`` of ``queryset``, each row written by ``record``."""
        params = request.query_params
        self._validate(params)
        page_size = int(params.get(self.page_size_query_param) or self.page_size)
        page = params.get(self.page_query_param) or "1"
        if page == "last":
            page = str(max(1, -(-queryset.count() // page_size)))
        page = int(page)
        paging_params = (self.page_query_param, self.cursor_query_param)
        query_key = urlencode(
            sorted(
                (key, value) for key, values in params.lists() for value in values if key not in paging_params
            )
        )
        try:
            result = contactmomentdetails_page(
                queryset,
                role=role,
                page=page,
                page_size=page_size,
                cursor=params.get(self.cursor_query_param),
                query_key=f"v1|{query_key}|{page_size}",
                consume=page_chunks(record),
            )
        except InvalidCursor:
            raise serializers.ValidationError(
                {self.cursor_query_param: ["Onbekende cursor: gebruik de next-link zoals u die kreeg."]},
                code="invalid",
            ) from None
        if page > max(1, -(-result.count // page_size)):
            raise exceptions.NotFound(self.invalid_page_message)

        url = remove_query_param(request.build_absolute_uri(), self.cursor_query_param)
        next_url = previous_url = None
        if page * page_size < result.count:
            next_url = replace_query_param(url, self.page_query_param, page + 1)
            if result.next_cursor:
                next_url = replace_query_param(next_url, self.cursor_query_param, result.next_cursor)
        if page > 2:
            previous_url = replace_query_param(url, self.page_query_param, page - 1)
        elif page == 2:
            previous_url = remove_query_param(url, self.page_query_param)
        header = {"count": result.count, "next": next_url, "previous": previous_url}
        return page_response(header, result.rows)

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
        cursor = {"type": "string"}
        parameters.append(
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": self.cursor_query_description,
                "schema": cursor,
            }
        )
        return parameters


def _positive_int(value: str) -> bool:
    return value.isascii() and value.isdigit() and int(value) >= 1
