"""URL map of kiss-details: the admin, the KISS-compatible endpoints under /api and the
versioned REST API under /api/v1 (with its OpenAPI schema and self-hosted docs)."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    # Browsers ask for /favicon.ico on every page; answer with ours instead of a 404.
    path("favicon.ico", RedirectView.as_view(url="/static/contactmomenten/favicon.svg", permanent=True)),
    path("admin/", admin.site.urls),
    path("", include("contactmomenten.api.urls")),
]

# problem+json under /api/v1, Django's own pages elsewhere (contactmomenten.api.exceptions).
handler404 = "contactmomenten.api.exceptions.page_not_found"
handler500 = "contactmomenten.api.exceptions.server_error"
