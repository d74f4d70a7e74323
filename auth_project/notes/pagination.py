from rest_framework.pagination import PageNumberPagination


class NotePagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        properties = described["properties"]
        for link in ("next", "previous"):  # OpenAPI 3.1: null is a type
            properties[link].pop("nullable", None)
            properties[link]["type"] = ["string", "null"]
        properties["count"].update(description="Cuántas notas hay en total.", example=42)
        properties["next"].update(
            description="URL de la página siguiente; null en la última.",
            example="http://localhost:5000/notas?page=3",
        )
        properties["previous"].update(
            description="URL de la página anterior; null en la primera.",
            example="http://localhost:5000/notas?page=1",
        )
        properties["results"]["description"] = "Las notas de esta página, la más nueva primero."
        return described
