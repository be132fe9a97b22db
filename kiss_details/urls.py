"""URL map of kiss-details: the admin, the KISS-compatible endpoints under /api and the
versioned REST API under /api/v1 (with its OpenAPI schema and self-hosted docs), and the
OIDC login under /oidc (answering 404 while OIDC is off)."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from contactmomenten.admin.dashboard import managementinformatie_view
from contactmomenten.oidc.views import admin_logout

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    # Before the admin's own logout: also ends the provider's session after an OIDC login.
    path("admin/logout/", admin_logout),
    # Browsers ask for /favicon.ico on every page; answer with ours instead of a 404.
    path("favicon.ico", RedirectView.as_view(url="/static/contactmomenten/favicon.svg", permanent=True)),
    path("admin/managementinformatie/", managementinformatie_view, name="managementinformatie"),
    path("admin/", admin.site.urls),
    path("oidc/", include("contactmomenten.oidc.urls")),
    path("", include("contactmomenten.api.urls")),
]

# problem+json under /api/v1, Django's own pages elsewhere (contactmomenten.api.exceptions).
handler404 = "contactmomenten.api.exceptions.page_not_found"
handler500 = "contactmomenten.api.exceptions.server_error"
