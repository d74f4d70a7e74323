from rest_framework.pagination import PageNumberPagination


class NotePagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        properties = described["properties"]
        properties["count"].update(description="Cuántas notas hay en total.", example=42)
        properties["results"]["description"] = "Las notas de esta página, la más nueva primero."
        pages = {"next": (3, "siguiente; null en la última"), "previous": (1, "anterior; null en la primera")}
        for link, (page, which) in pages.items():
            properties[link].pop("nullable", None)  # OpenAPI 3.1: null is a type
            properties[link].update(type=["string", "null"], description=f"URL de la página {which}.")
            properties[link]["example"] = f"http://localhost:5000/notas?page={page}"
        return described
