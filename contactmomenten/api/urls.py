"""Routes of the APIs: the upstream-compatible KISS endpoints under /api and the versioned
REST API under /api/v1 (with its schema and self-hosted docs)."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import include, path, re_path, reverse
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from contactmomenten.api import docs, kiss, statistieken, viewsets
from contactmomenten.api.exceptions import not_found
from contactmomenten.api.permissions import DocsAccess

# Upstream-compatible KISS endpoints (contactmomenten.api.kiss). ASP.NET routing upstream
# accepts a trailing slash; the slash variants are left out of the OpenAPI schema.
kiss_urlpatterns = [
    path("api/contactmomentdetails", kiss.ContactmomentDetailsView.as_view()),
    path("api/contactmomentdetails/", kiss.ContactmomentDetailsView.as_view(schema=None)),
    path("api/contactmomentendetails", kiss.ContactmomentDetailsRapportageOverzicht.as_view()),
    path("api/contactmomentendetails/", kiss.ContactmomentDetailsRapportageOverzicht.as_view(schema=None)),
    path("api/faq", kiss.GetFaq.as_view()),
    path("api/faq/", kiss.GetFaq.as_view(schema=None)),
]


def docs_page(view):
    """A docs page (Swagger UI, Redoc) for logged-in users, or everyone with API_DOCS_PUBLIC;
    others go to the admin login first (the page then loads the schema with that session)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if settings.API_DOCS_PUBLIC or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))

    return wrapped


# /api/v1: resource, schema and docs (contactmomenten.api.viewsets).
_v1_collection = viewsets.ContactmomentDetailsViewSet.as_view({"get": "list", "post": "create"})
_v1_item = viewsets.ContactmomentDetailsViewSet.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
)
v1_urlpatterns = [
    path("contactmomentdetails", _v1_collection, name="v1-contactmomentdetails-list"),
    path("contactmomentdetails/<uuid:uuid>", _v1_item, name="v1-contactmomentdetails-detail"),
    path("statistieken", statistieken.StatistiekenView.as_view(), name="v1-statistieken"),
    path("schema", SpectacularAPIView.as_view(permission_classes=[DocsAccess]), name="v1-schema"),
    path(
        "docs",
        # The split view serves Swagger UI's init script as a file (?script): no inline script.
        docs_page(SpectacularSwaggerSplitView.as_view(url_name="v1-schema", permission_classes=[])),
        name="v1-docs",
    ),
    # Our template: the stock one links web fonts from a CDN.
    path(
        "redoc",
        docs_page(
            SpectacularRedocView.as_view(
                url_name="v1-schema", template_name="contactmomenten/redoc.html", permission_classes=[]
            )
        ),
        name="v1-redoc",
    ),
    path("redoc/redoc.standalone.js", docs.redoc_bundle, name="v1-redoc-bundle"),
]

urlpatterns = [
    *kiss_urlpatterns,
    path("api/v1/", include(v1_urlpatterns)),
    # Last: any other URL under /api/v1 is a problem+json 404, in DEBUG too.
    re_path(r"^api/v1(?:/.*)?$", not_found),
]
