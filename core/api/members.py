"""`/api/projects/<id>/members`: who is in a project and in which role.

Every member reads the list; only the project's owners change it (adding, changing a role, removing) — a PM
cannot make anyone, themselves included, an owner. API keys read the list of their own project only and never
change it. The last owner can be neither removed nor demoted (409 `last_owner`)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core import selectors, services
from core.api.actors import request_actor
from core.api.errors import ApiError, invalid_input, not_found
from core.api.permissions import IsAuthenticatedUser
from core.api.validation import parse_uuid
from core.models import ApiKey, Membership, Role


class MemberAddSerializer(serializers.Serializer):
    user = serializers.CharField(max_length=254, help_text="An existing user's username or email.")
    role = serializers.ChoiceField(choices=Role.values, default=Role.VIEWER)


class MemberRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.values)


class MemberSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.CharField(allow_blank=True)
    role = serializers.ChoiceField(choices=Role.values)
    added_at = serializers.DateTimeField()


def member_payload(membership: Membership) -> dict:
    user = membership.user
    return {
        "user_id": user.pk,
        "username": user.get_username(),
        "email": user.email,
        "role": membership.role,
        "added_at": membership.created_at,
    }


def _project_and_role(request, project_id: str):
    """The project named in the path, if the caller may see it, and the caller's role; 404 otherwise."""
    pk = parse_uuid(project_id, field="id")
    if isinstance(request.auth, ApiKey):
        if request.auth.project_id != pk:
            raise not_found()
        return request.auth.project, Role.PM if request.auth.can_write else Role.VIEWER
    project = selectors.projects_visible_to(request.user).filter(pk=pk).first()
    if project is None:
        raise not_found()
    return project, selectors.project_role(request.user, project)


def _owner_only(request, role: str) -> None:
    if isinstance(request.auth, ApiKey) or role != Role.OWNER:
        raise ApiError("forbidden", "Only the project's owners change its members.", status.HTTP_403_FORBIDDEN)


def _membership_or_404(project, user_id: str) -> Membership:
    if not user_id.isdigit():
        raise not_found()
    membership = Membership.objects.select_related("user").filter(project=project, user_id=int(user_id)).first()
    if membership is None:
        raise not_found()
    return membership


MembersOut = inline_serializer("Members", {"members": MemberSerializer(many=True)})


class MembersView(APIView):
    permission_classes = [IsAuthenticatedUser]

    @extend_schema(responses={200: MembersOut})
    def get(self, request, project_id: str):
        project, _ = _project_and_role(request, project_id)
        members = Membership.objects.filter(project=project).select_related("user").order_by("user__username")
        return Response({"members": [member_payload(membership) for membership in members]})

    @extend_schema(request=MemberAddSerializer, responses={201: MemberSerializer, 200: MemberSerializer})
    def post(self, request, project_id: str):
        project, role = _project_and_role(request, project_id)
        _owner_only(request, role)
        serializer = MemberAddSerializer(data=request.data)
        if not serializer.is_valid():
            raise invalid_input(serializer.errors)
        try:
            user = services.user_find(serializer.validated_data["user"].strip())
        except services.UserNotFound:
            raise invalid_input({"user": "No active user with that username or email."}) from None
        membership, created = services.member_add(project=project, user=user, role=serializer.validated_data["role"],
                                                  actor=request_actor(request))  # fmt: skip
        return Response(member_payload(membership), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class MemberView(APIView):
    permission_classes = [IsAuthenticatedUser]

    @extend_schema(request=MemberRoleSerializer, responses={200: MemberSerializer})
    def patch(self, request, project_id: str, user_id: str):
        project, role = _project_and_role(request, project_id)
        _owner_only(request, role)
        membership = _membership_or_404(project, user_id)
        serializer = MemberRoleSerializer(data=request.data)
        if not serializer.is_valid():
            raise invalid_input(serializer.errors)
        membership = services.member_role_change(membership=membership, role=serializer.validated_data["role"],
                                                 actor=request_actor(request))  # fmt: skip
        return Response(member_payload(membership))

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, project_id: str, user_id: str):
        project, role = _project_and_role(request, project_id)
        _owner_only(request, role)
        services.member_remove(membership=_membership_or_404(project, user_id), actor=request_actor(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
