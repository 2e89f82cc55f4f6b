"""Plain views: `/health`."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from core.health import FAIL, health_report


@require_GET
def health(request):
    report = health_report()
    return JsonResponse(report, status=503 if report["status"] == FAIL else 200)
