"""`{count, next, previous, results}` with `?page=` and `?page_size=` (default 50, max 500)."""

import re

from rest_framework.pagination import PageNumberPagination

from core.api.errors import invalid_input

_DIGITS = re.compile(r"[0-9]+")  # ASCII only: "²" and "١" pass str.isdigit() but int() refuses them


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not _DIGITS.fullmatch(raw) or not 1 <= int(raw) <= self.max_page_size:
            raise invalid_input({"page_size": f"Must be an integer from 1 to {self.max_page_size}."})
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param, "1")
        if not _DIGITS.fullmatch(raw) or int(raw) < 1:
            raise invalid_input({"page": "Must be a positive integer."})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        page, page_size = super().get_schema_operation_parameters(view)
        page["schema"] = {"type": "integer", "minimum": 1, "default": 1}
        page_size["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        page_size["schema"]["default"] = self.page_size
        return [page, page_size]
