"""URLs of the OIDC login under /oidc/ (the callback is the redirect URI to register)."""

from django.urls import path

from contactmomenten.oidc import views

urlpatterns = [
    path("authenticate/", views.OidcAuthenticationRequestView.as_view(), name="oidc_authentication_init"),
    path("callback/", views.OidcCallbackView.as_view(), name="oidc_authentication_callback"),
    path("ingelogd/", views.logged_in, name="oidc_logged_in"),
]
