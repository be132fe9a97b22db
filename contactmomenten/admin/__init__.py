"""Django admin of kiss-details: one module per admin concern, registered on import.

The site itself is branded here: "KISS contactmomentdetails" instead of Django's name, no
"Website bekijken" link (this service has no public site: it would loop back to the admin),
and no navigation sidebar, which would take a fifth of a 1400 px screen from every list (the
index page and the breadcrumbs lead everywhere it does).
"""

from django.contrib import admin

from contactmomenten.admin.contactmomentdetails import ContactmomentDetailsAdmin
from contactmomenten.admin.exports import ExportLogAdmin
from contactmomenten.admin.kpi import GespreksresultaatCategorieAdmin
from contactmomenten.admin.tokens import ApiTokenAdmin

admin.site.site_header = "KISS contactmomentdetails"
admin.site.site_title = "KISS contactmomentdetails"
admin.site.index_title = "Beheer"
admin.site.site_url = None
admin.site.enable_nav_sidebar = False
# The login page offers "Inloggen met je organisatieaccount" when OIDC is on.
admin.site.login_template = "contactmomenten/login.html"
# The index leads Beheerder and Analist to the dashboard "Managementinformatie" too.
admin.site.index_template = "admin/contactmomenten/index.html"

__all__ = ["ApiTokenAdmin", "ContactmomentDetailsAdmin", "ExportLogAdmin", "GespreksresultaatCategorieAdmin"]
