"""Django admin of kiss-details: one module per admin concern, registered on import."""

from django.contrib import admin

from contactmomenten.admin.contactmomentdetails import ContactmomentDetailsAdmin
from contactmomenten.admin.exports import ExportLogAdmin
from contactmomenten.admin.tokens import ApiTokenAdmin

__all__ = ["ApiTokenAdmin", "ContactmomentDetailsAdmin", "ExportLogAdmin"]

# The login page offers "Inloggen met je organisatieaccount" when OIDC is on.
admin.site.login_template = "contactmomenten/login.html"
