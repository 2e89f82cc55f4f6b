"""Id checks: what the source answered when asked by id for a stored record, and when that makes it gone.

An id the source answers 404 for (or leaves out of an answer by id) earns a strike; a second strike in a later
run, at least `DELETION_CONFIRM_AFTER_SECONDS` after the first and with no sighting in between, confirms the
deletion (a source's brief 404 glitch deletes nothing). A sighting (in a list, a page or by id) clears the
strikes. Errors (5xx, timeouts, 401) never reach here: they decide nothing.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from connectors.models import IdCheck

STRIKES_TO_DELETE = 2


def ids_not_found(*, project, source: str, stream: str, ids, check_key: str) -> list[str]:
    """Record one strike per id for this check; return the ids whose deletion is now confirmed."""
    ids = sorted({str(i) for i in ids})
    if not ids:
        return []
    now, confirmed = timezone.now(), []
    gap = dt.timedelta(seconds=settings.DELETION_CONFIRM_AFTER_SECONDS)
    with transaction.atomic():
        known = {
            c.external_id: c
            for c in IdCheck.objects.select_for_update().filter(
                project=project, source=source, stream=stream, external_id__in=ids
            )
        }
        fresh, changed = [], []
        for external_id in ids:
            check = known.get(external_id)
            if check is None:
                fresh.append(_check(project, source, stream, external_id, IdCheck.NOT_FOUND, check_key, now))
                continue
            repeat = check.outcome == IdCheck.NOT_FOUND
            if repeat and (check.check_key == str(check_key) or now - check.checked_at < gap):
                continue  # asked again in the same run, or too soon after the last strike: still that strike
            check.strikes = check.strikes + 1 if check.outcome == IdCheck.NOT_FOUND else 1
            check.outcome, check.check_key, check.checked_at = IdCheck.NOT_FOUND, str(check_key), now
            changed.append(check)
        IdCheck.objects.bulk_create(fresh)
        IdCheck.objects.bulk_update(changed, ["strikes", "outcome", "check_key", "checked_at"])
        confirmed = [c.external_id for c in [*fresh, *known.values()] if c.strikes >= STRIKES_TO_DELETE]
    return sorted(confirmed)


def _check(project, source: str, stream: str, external_id: str, outcome: str, check_key, now) -> IdCheck:
    """A first answer about one id: a strike (`not_found`) or a sighting by id (`present`)."""
    return IdCheck(
        project=project,
        account_scope_id=project.account_scope_id,
        source=source,
        stream=stream,
        external_id=external_id,
        outcome=outcome,
        strikes=1 if outcome == IdCheck.NOT_FOUND else 0,
        check_key=str(check_key),
        checked_at=now,
    )


def ids_found_by_id(*, project, source: str, stream: str, ids, check_key: str) -> None:
    """These ids are readable by id (though no list shows them): present, strikes cleared, checked now."""
    now = timezone.now()
    rows = [_check(project, source, stream, i, IdCheck.PRESENT, check_key, now) for i in sorted({str(i) for i in ids})]
    IdCheck.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["project", "source", "stream", "external_id"],
        update_fields=["outcome", "strikes", "check_key", "checked_at"],
    )


def ids_seen(*, project, source: str, stream: str, ids) -> None:
    """These ids came back in a list or a page: whatever was suspected of them is void."""
    ids = [str(i) for i in ids]
    if ids:
        IdCheck.objects.filter(project=project, source=source, stream=stream, external_id__in=ids).delete()


def id_checks(*, project, source: str, stream: str) -> dict[str, IdCheck]:
    """The stream's current checks, by external id."""
    rows = IdCheck.objects.filter(project=project, source=source, stream=stream)
    return {check.external_id: check for check in rows}
