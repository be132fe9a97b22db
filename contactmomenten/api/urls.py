"""Routes of the APIs: the upstream-compatible KISS endpoints under /api and the versioned
REST API under /api/v1 (with its schema and self-hosted docs)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from contactmomenten.api import kiss, viewsets

# Upstream-compatible KISS endpoints (contactmomenten.api.kiss). ASP.NET routing upstream
# accepts a trailing slash; the slash variants are left out of the OpenAPI schema.
kiss_urlpatterns = [
    path("api/contactmomentdetails", kiss.ContactmomentDetailsView.as_view()),
    path("api/contactmomentdetails/", kiss.ContactmomentDetailsView.as_view(schema=None)),
    path("api/contactmomentendetails", kiss.ContactmomentDetailsRapportageOverzicht.as_view()),
    path("api/contactmomentendetails/", kiss.ContactmomentDetailsRapportageOverzicht.as_view(schema=None)),
]

# /api/v1: resource, schema and docs (contactmomenten.api.viewsets).
_v1_collection = viewsets.ContactmomentDetailsViewSet.as_view({"get": "list", "post": "create"})
_v1_item = viewsets.ContactmomentDetailsViewSet.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
)
v1_urlpatterns = [
    path("contactmomentdetails", _v1_collection, name="v1-contactmomentdetails-list"),
    path("contactmomentdetails/<uuid:uuid>", _v1_item, name="v1-contactmomentdetails-detail"),
    path("schema", SpectacularAPIView.as_view(), name="v1-schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="v1-schema"), name="v1-docs"),
    # Our template: the stock one links web fonts from a CDN.
    path(
        "redoc",
        SpectacularRedocView.as_view(url_name="v1-schema", template_name="contactmomenten/redoc.html"),
        name="v1-redoc",
    ),
]

urlpatterns = [
    *kiss_urlpatterns,
    path("api/v1/", include(v1_urlpatterns)),
]
