"""The admin's header and titles in place of Django's "Administración de Django"."""

from django.contrib import admin

admin.site.site_header = "Música · administración"
admin.site.site_title = "Música · administración"
admin.site.index_title = "Usuarios y notas"
admin.site.site_url = "/"  # "Ver el sitio": the landing page (notes/pages.py)
