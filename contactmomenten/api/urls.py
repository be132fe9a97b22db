"""Routes of the APIs: the upstream-compatible KISS endpoints under /api and the versioned
REST API under /api/v1 (with its schema and self-hosted docs)."""

from django.urls import include, path

# Upstream-compatible KISS endpoints (contactmomenten.api.kiss).
kiss_urlpatterns = []

# /api/v1: resource, schema and docs (contactmomenten.api.viewsets).
v1_urlpatterns = []

urlpatterns = [
    *kiss_urlpatterns,
    path("api/v1/", include(v1_urlpatterns)),
]
