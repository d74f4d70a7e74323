"""The admin's own header and titles, one place for the whole site (Django's are "Administración de
Django", "Sitio de administración")."""

from django.contrib import admin

admin.site.site_header = "Música · administración"
admin.site.site_title = "Música · administración"
admin.site.index_title = "Usuarios y notas"
admin.site.site_url = "/"  # "Ver el sitio": the landing page (notes/pages.py)
