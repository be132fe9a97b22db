"""Routes of the APIs: the upstream-compatible KISS endpoints under /api and the versioned
REST API under /api/v1 (with its schema and self-hosted docs)."""

from django.urls import include, path

from contactmomenten.api import kiss

# Upstream-compatible KISS endpoints (contactmomenten.api.kiss). ASP.NET routing upstream
# accepts a trailing slash; the slash variants are left out of the OpenAPI schema.
kiss_urlpatterns = [
    path("api/contactmomentdetails", kiss.ContactmomentDetailsView.as_view()),
    path("api/contactmomentdetails/", kiss.ContactmomentDetailsView.as_view(schema=None)),
    path("api/contactmomentendetails", kiss.ContactmomentDetailsRapportageOverzicht.as_view()),
    path("api/contactmomentendetails/", kiss.ContactmomentDetailsRapportageOverzicht.as_view(schema=None)),
]

# /api/v1: resource, schema and docs (contactmomenten.api.viewsets).
v1_urlpatterns = []

urlpatterns = [
    *kiss_urlpatterns,
    path("api/v1/", include(v1_urlpatterns)),
]
