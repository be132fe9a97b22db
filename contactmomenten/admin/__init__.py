"""Django admin of kiss-details: one module per admin concern, registered on import."""

from contactmomenten.admin.contactmomentdetails import ContactmomentDetailsAdmin
from contactmomenten.admin.exports import ExportLogAdmin
from contactmomenten.admin.tokens import ApiTokenAdmin

__all__ = ["ApiTokenAdmin", "ContactmomentDetailsAdmin", "ExportLogAdmin"]
