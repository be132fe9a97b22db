"""Admin of the KPI mapping (issue 8 §1): which KPI category each gespreksresultaat counts
as. Beheerders search and change it in the list itself (list_editable); analisten may look.

The dashboard links every unmapped resultaat to this page's add form with the value filled
in (``?resultaat=...``): Django's admin takes initial values from the query string.
"""

from django.contrib import admin

from contactmomenten.models import GespreksresultaatCategorie


@admin.register(GespreksresultaatCategorie)
class GespreksresultaatCategorieAdmin(admin.ModelAdmin):
    list_display = ("resultaat", "categorie")
    list_editable = ("categorie",)
    list_filter = ("categorie",)
    search_fields = ("resultaat",)
    ordering = ("resultaat",)
    list_per_page = 200
