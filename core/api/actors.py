"""Who is calling: what audit events and query runs record as the actor of an API request."""

from core.models import ApiKey


def request_actor(request):
    """The logged-in user, or the label of the API key the request came with ("api key wf_ab12…")."""
    if isinstance(request.auth, ApiKey):
        return f"api key {request.auth.prefix}"
    return request.user


def request_actor_label(request) -> str:
    """The actor as text (usernames for people)."""
    actor = request_actor(request)
    return actor if isinstance(actor, str) else actor.get_username()


def request_user(request):
    """The person behind the request, None for an API key."""
    return None if isinstance(request.auth, ApiKey) else request.user


def request_is_staff(request) -> bool:
    """Whether an active staff person is calling, on a session: an API key never is (a key acts for a project)."""
    if isinstance(getattr(request, "auth", None), ApiKey):
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)
