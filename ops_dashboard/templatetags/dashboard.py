"""Template tags for dashboard pages: live partials and human-readable numbers, durations and ages."""

import json

from django import template
from django.utils import timezone
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
    request = context["request"]
    html = partials.partial_render(partial, request=request, project=context["active_project"])
    return format_html(
        '<div class="partial" data-partial-url="{}" data-partial-events="{}"{} data-testid="partial-{}">{}</div>',
        partial.url_for(request.GET),
        events if events is not None else " ".join(partial.events),
        format_html(' data-partial-refresh="{}"', partial.refresh_seconds) if partial.refresh_seconds else "",
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


@register.filter
def ago(value, now=None) -> str:
    """A past moment as "N s/min/h/d ago" ("never" for None); the future reads "in N …"."""
    if value is None:
        return "never"
    seconds = int(((now or timezone.now()) - value).total_seconds())
    if abs(seconds) < 5:
        return "just now"
    text = _span(abs(seconds))
    return f"{text} ago" if seconds > 0 else f"in {text}"


@register.filter
def every(seconds) -> str:
    """A cadence in seconds as "every 15 min"."""
    return f"every {_span(int(seconds))}" if seconds else ""


def _span(seconds: int) -> str:
    for size, unit in ((86_400, "d"), (3_600, "h"), (60, "min")):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


@register.filter
def count(value) -> str:
    """1234567 → "1,234,567"; None (or a count the row does not have) → "—"."""
    return "—" if value in (None, "") else f"{int(value):,}"


@register.filter
def pct(value) -> str:
    """98.456 → "98.5%"; None → "—"."""
    return "—" if value is None else f"{value:.1f}%"


@register.filter
def signed_pct(value) -> str:
    """Change in percentage points: +1.2 pp, −0.4 pp, "—" without a previous value."""
    if value is None:
        return "—"
    return f"{'+' if value > 0 else '−' if value < 0 else '±'}{abs(value):.1f} pp"


@register.filter
def to_json(value) -> str:
    """JSON text for a data attribute (autoescaping then makes it attribute-safe)."""
    return json.dumps(value, separators=(",", ":"))


@register.filter
def counts_text(counts, limit: int = 6) -> str:
    """A run's counts in one line: `{"rows": 12, "linear": {"issues": {"fetched": 10}, "comments": {"fetched": 5}}}`
    reads "rows: 12, linear: 15 fetched"; nested numbers are summed by their own name, lists give their length."""
    if not isinstance(counts, dict):
        return ""
    parts = []
    for key, value in list(counts.items())[:limit]:
        if isinstance(value, dict):
            totals = _leaf_totals(value, {})
            inner = ", ".join(f"{total:,} {name}" for name, total in totals.items()) or "—"
            parts.append(f"{key}: {inner}")
        elif isinstance(value, list):
            parts.append(f"{key}: {len(value):,}")
        elif isinstance(value, bool) or not isinstance(value, int | float):
            parts.append(f"{key}: {value}")
        else:
            parts.append(f"{key}: {value:,}")
    return ", ".join(parts)


def _leaf_totals(value: dict, totals: dict) -> dict:
    for name, inner in value.items():
        if isinstance(inner, dict):
            _leaf_totals(inner, totals)
        elif isinstance(inner, list):
            totals[name] = totals.get(name, 0) + len(inner)
        elif isinstance(inner, int | float) and not isinstance(inner, bool):
            totals[name] = totals.get(name, 0) + inner
    return totals


@register.filter
def money(value, currency: str = "") -> str:
    """Decimal("12500.00"), "USD" → "USD 12,500"; cents kept when there are any; None → "—"."""
    if value is None:
        return "—"
    text = f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
    return f"{currency} {text}" if currency else text


@register.filter
def web_link(value) -> str:
    """The URL if it is http(s), else "" (a source's payload never puts a `javascript:` link on a page)."""
    text = str(value or "")
    return text if text.lower().startswith(("https://", "http://")) else ""


@register.filter
def words(value) -> str:
    """An identifier as words: "stage_moves" → "stage moves"."""
    return str(value).replace("_", " ")
