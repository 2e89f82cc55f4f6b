"""Template tags for dashboard pages: live partials and human-readable durations."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ops_dashboard import partials

register = template.Library()


@register.simple_tag(takes_context=True)
def live_partial(context, name: str, events: str | None = None):
    """Render a registered partial inside the element `live.js` refreshes.

    `events` (space-separated) overrides the partial's registered events for this page.
    """
    partial = partials.partial_get(name)
    if partial is None:
        raise template.TemplateSyntaxError(f"unknown live partial {name!r}")
    html = partials.partial_render(partial, request=context["request"], project=context["active_project"])
    return format_html(
        '<div class="partial" data-partial-url="{}" data-partial-events="{}" data-testid="partial-{}">{}</div>',
        partial.url,
        events if events is not None else " ".join(partial.events),
        name.replace("/", "-"),
        mark_safe(html),  # noqa: S308 - rendered by our own autoescaping template
    )


@register.filter
def duration_ms(value) -> str:
    """1234 → "1.2 s"; None → "—"."""
    if value is None:
        return "—"
    if value < 1000:
        return f"{value} ms"
    seconds = value / 1000
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest} s"
