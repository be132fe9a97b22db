"""URL map of kiss-details: the admin, the KISS-compatible endpoints under /api and the
versioned REST API under /api/v1 (with its OpenAPI schema and self-hosted docs)."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("", include("contactmomenten.api.urls")),
]
