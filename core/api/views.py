"""Auth and project endpoints: login/logout/me, list/create/select projects."""

from django.contrib.auth import authenticate
from django.middleware.csrf import get_token
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authentication import CSRFCheck
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core import selectors, services
from core.api.errors import ApiError, invalid_input, not_found
from core.api.idempotency import idempotent
from core.api.permissions import IsAuthenticatedUser
from core.api.schema import error_responses, path_uuid
from core.api.serializers import (
    LoginSerializer,
    MeSerializer,
    OkSerializer,
    ProjectCreatedSerializer,
    ProjectCreateSerializer,
    ProjectListSerializer,
    ProjectSelectedSerializer,
    project_payload,
)
from core.api.throttling import LoginIpThrottle
from core.api.validation import parse_uuid
from core.models import ApiKey

KEYS_CANNOT_CREATE_PROJECTS = "API keys are bound to one project and cannot create projects; log in to create one."
KEYS_HAVE_NO_SESSION = "API keys have no session to log out of; revoke the key instead."


def _enforce_csrf(request) -> None:
    """CSRF for endpoints that run before a session exists (login)."""
    check = CSRFCheck(lambda req: None)
    check.process_request(request)
    reason = check.process_view(request, None, (), {})
    if reason:
        raise ApiError("csrf_failed", "CSRF token missing or incorrect (send X-CSRF-Token).", 403)


def _me_payload(request) -> dict:
    user = request.user
    if not user.is_authenticated:
        return {
            "authenticated": False,
            "user": None,
            "active_project": None,
            "csrf_token": get_token(request),
        }
    if isinstance(request.auth, ApiKey):
        project, role = selectors.active_project_and_role(request)  # the key's own project, whatever the session
    else:
        project = selectors.session_active_project(request)
        role = selectors.project_role(user, project) if project else None
    return {
        "authenticated": True,
        "user": {"id": user.pk, "username": user.username, "role": role, "is_superuser": user.is_superuser},
        "active_project": {"id": str(project.id), "name": project.name} if project else None,
        "csrf_token": get_token(request),
    }


class LoginView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginIpThrottle]

    # 401 `invalid_credentials`; 403 `csrf_failed` (login checks CSRF itself: there is no session yet).
    @extend_schema(request=LoginSerializer, responses={200: MeSerializer, **error_responses(401, 403)})
    def post(self, request):
        _enforce_csrf(request._request)
        serializer = LoginSerializer(data=request.data)
        if not serializer.is_valid():
            raise invalid_input(serializer.errors)
        username, password = serializer.validated_data["username"], serializer.validated_data["password"]
        user = authenticate(request._request, username=username, password=password)
        if getattr(request._request, "axes_locked_out", False):
            services.login_failure_record(request=request, username=username, reason="locked_out")
            raise ApiError("throttled", "Too many failed logins. Try again later.", 429, self._lockout_headers())
        if user is None:
            services.login_failure_record(request=request, username=username, reason="invalid_credentials")
            raise ApiError("invalid_credentials", "Invalid username or password.", status.HTTP_401_UNAUTHORIZED)
        services.session_login(request=request, user=user)
        return Response(_me_payload(request))

    @staticmethod
    def _lockout_headers() -> dict:
        from django.conf import settings

        return {"Retry-After": str(int(settings.AXES_COOLOFF_TIME.total_seconds()))}


class LogoutView(APIView):
    permission_classes = [IsAuthenticatedUser]

    @extend_schema(request=None, responses={200: OkSerializer})
    def post(self, request):
        if request.auth is not None:
            raise ApiError("forbidden", KEYS_HAVE_NO_SESSION, status.HTTP_403_FORBIDDEN)
        services.session_logout(request=request)
        return Response({"ok": True})


@method_decorator(ensure_csrf_cookie, name="dispatch")
class MeView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: MeSerializer})
    def get(self, request):
        return Response(_me_payload(request))


class ProjectsView(APIView):
    """A session lists the projects its user may open and creates projects; an API key sees only its own project
    and creates none."""

    permission_classes = [IsAuthenticatedUser]

    @extend_schema(responses={200: ProjectListSerializer})
    def get(self, request):
        if isinstance(request.auth, ApiKey):
            project, role = selectors.active_project_and_role(request)
            return Response({"projects": [project_payload(project, role)], "active_project_id": str(project.id)})
        projects = list(selectors.projects_visible_to(request.user).order_by("name"))
        roles = selectors.roles_by_project(request.user)
        owned = set(request.user.owned_scopes.values_list("id", flat=True))
        admin_role = "owner" if request.user.is_superuser else None
        payload = [
            project_payload(p, admin_role or ("owner" if p.account_scope_id in owned else roles.get(p.id)))
            for p in projects
        ]
        active = request.session.get(selectors.ACTIVE_PROJECT_SESSION_KEY)
        return Response({"projects": payload, "active_project_id": active})

    @extend_schema(request=ProjectCreateSerializer, responses={201: ProjectCreatedSerializer})
    @idempotent
    def post(self, request):
        if request.auth is not None:
            raise ApiError("forbidden", KEYS_CANNOT_CREATE_PROJECTS, status.HTTP_403_FORBIDDEN)
        serializer = ProjectCreateSerializer(data=request.data)
        if not serializer.is_valid():
            raise invalid_input(serializer.errors)
        data = serializer.validated_data
        scope = services.account_scope_for_new_project(user=request.user, scope_id=data.get("account_scope"))
        if scope is None:
            if data.get("account_scope"):
                raise invalid_input({"account_scope": "Unknown account scope, or you do not own it."})
            raise ApiError("forbidden", "Only owners can create projects.", status.HTTP_403_FORBIDDEN)
        if scope.projects.filter(name=data["name"]).exists():
            raise invalid_input({"name": "A project with this name already exists in the account scope."})
        project = services.project_create(name=data["name"], account_scope=scope, created_by=request.user)
        return Response({"project": project_payload(project, "owner")}, status=status.HTTP_201_CREATED)


class ProjectSelectView(APIView):
    permission_classes = [IsAuthenticatedUser]

    @extend_schema(request=None, responses={200: ProjectSelectedSerializer}, parameters=[path_uuid("project_id")])
    def post(self, request, project_id: str):
        if request.auth is not None:
            raise ApiError("forbidden", "API keys are bound to one project; selection is for sessions.", 403)
        pk = parse_uuid(project_id, field="id")
        project = selectors.projects_visible_to(request.user).filter(pk=pk).first()
        if project is None:
            raise not_found()
        services.project_select(request=request, project=project)
        role = selectors.project_role(request.user, project)
        return Response({"active_project_id": str(project.id), "project": project_payload(project, role)})
