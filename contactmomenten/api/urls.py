"""Routes of the APIs: upstream-compatible KISS endpoints and /api/v1."""

urlpatterns = []
