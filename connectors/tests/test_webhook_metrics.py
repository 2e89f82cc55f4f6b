"""Webhooks on /metrics: deliveries by source and result, source change → searchable latency of the last hour,
each registered endpoint's last delivery and usual quiet period, when a sync last found changes; and the
deliveries' retention."""

import datetime as dt
import hashlib
import hmac
import time
import uuid

import orjson
import pytest
from django.utils import timezone

from connectors.models import ConnectorConfig, SyncRun, WebhookDelivery
from connectors.services.webhooks import delivery_receive, webhook_endpoint_ensure
from core.counters import counter_add, counter_values
from jobs.retention import retention_cleanup
from ops_dashboard.tests.factories import make_config, make_delivery, make_endpoint, stream_counts
from tests.support.metrics import metrics_scrape

pytestmark = pytest.mark.django_db

BUCKETS = ("0.5", "1.0", "2.0", "5.0", "10.0", "30.0", "60.0", "300.0", "+Inf")


def scrape() -> dict[str, dict[tuple, float]]:
    """{sample name: {sorted label items: value}} of one /metrics scrape."""
    return metrics_scrape()


def labels(**values) -> tuple:
    return tuple(sorted(values.items()))


# ---------------------------------------------------------------- deliveries by source and result


# Shared counters are written on a separate connection inside a transaction (a test's): they outlive the test,
# so these tests compare a scrape before and after.


def deliveries_total() -> dict[tuple, float]:
    return scrape()["app_webhook_deliveries_total"]


def test_counter_values_reads_the_counters_under_a_prefix_only():
    prefix = f"app_test_{uuid.uuid4().hex[:8]}:"
    counter_add(f"{prefix}linear:queued", 3)
    counter_add(prefix.replace("_", "X").replace(":", "X") + "linear:queued", 5)  # `_` is not a wildcard
    counter_add(prefix[:-1] + "Xlinear", 5)
    assert counter_values(prefix) == {f"{prefix}linear:queued": 3}
    assert counter_values(f"app_nothing_{uuid.uuid4().hex[:8]}:") == {}


def test_every_source_and_result_is_exported_from_zero_and_counted():
    before = deliveries_total()
    counter_add("app_webhook_deliveries:linear:queued", 7)
    counter_add("app_webhook_deliveries:attio:bad_signature", 2)
    counter_add("app_webhook_deliveries:unknown:unknown_token")
    after = deliveries_total()
    increase = {key: after[key] - before.get(key, 0) for key in after}
    assert increase[labels(source="linear", result="queued")] == 7
    assert increase[labels(source="attio", result="bad_signature")] == 2
    assert increase[labels(source="unknown", result="unknown_token")] == 1
    assert sum(increase.values()) == 10
    results = {"queued", "ignored", "duplicate", "unknown_token", "bad_signature", "malformed", "throttled",
               "too_large"}  # fmt: skip
    assert {dict(key)["result"] for key in after} == results
    assert {dict(key)["source"] for key in after} == {"chatwoot", "linear", "attio", "unknown"}
    assert len(after) == 3 * len(results) + 1  # every source and result, and unknown sources' unknown token


def linear_body(issue_id: str, *, at: float | None = None) -> bytes:
    stamp = int((at or time.time()) * 1000)
    payload = {"type": "Issue", "action": "update", "data": {"id": issue_id}, "webhookTimestamp": stamp}
    return orjson.dumps(payload)


def test_what_the_receiver_counts_shows_as_its_source_and_result(project, django_capture_on_commit_callbacks):
    before = deliveries_total()
    config = make_config(project, "linear")
    endpoint, token = webhook_endpoint_ensure(config=config)
    body = linear_body("6f1c0b1e-0000-4000-8000-000000000001")  # a Linear id of the right shape
    signed = {"Linear-Signature": hmac.new(endpoint.secret.encode(), body, hashlib.sha256).hexdigest(),
              "Linear-Delivery": "d-1"}  # fmt: skip
    with django_capture_on_commit_callbacks():  # the applier is not run here
        assert delivery_receive(source="linear", token=token, headers=signed, body=body).status == 202
        assert delivery_receive(source="linear", token=token, headers=signed, body=body).status == 200
    forged = {"Linear-Signature": "0" * 64}
    assert delivery_receive(source="linear", token=token, headers=forged, body=body).status == 401
    assert delivery_receive(source="linear", token="not-a-token", headers=signed, body=body).status == 404
    assert delivery_receive(source="gitlab", token=token, headers=signed, body=body).status == 404
    after = deliveries_total()
    increase = {key: after[key] - before.get(key, 0) for key in after}
    for result in ("queued", "duplicate", "bad_signature", "unknown_token"):
        assert increase[labels(source="linear", result=result)] == 1, result
    assert increase[labels(source="unknown", result="unknown_token")] == 1
    assert sum(increase.values()) == 5


# ---------------------------------------------------------------- source change → searchable


def test_the_freshness_histogram_holds_the_deliveries_applied_in_the_last_hour(project, other_project):
    now = timezone.now()
    make_config(project, "linear")
    make_config(project, "chatwoot")
    make_config(other_project, "linear")
    linear, chatwoot = make_endpoint(project, "linear"), make_endpoint(project, "chatwoot")
    theirs = make_endpoint(other_project, "linear")
    changed = now - dt.timedelta(minutes=10)
    for seconds in (0.3, 0.8, 1.5, 4, 4, 45, 400):  # from the change at the source
        make_delivery(linear, event_at=changed, received_at=changed + dt.timedelta(seconds=0.1), latency=seconds)
    make_delivery(linear, received_at=changed, latency=7)  # no event time: from receipt
    make_delivery(linear, event_at=changed + dt.timedelta(seconds=5), received_at=changed, latency=-5)  # clock skew: 0
    make_delivery(linear, received_at=now - dt.timedelta(hours=2), latency=2)  # applied 2 h ago: out of the window
    make_delivery(linear, status="queued", received_at=now)
    make_delivery(linear, status="failed", received_at=now, error="HttpError: 503")
    make_delivery(chatwoot, event_at=changed, received_at=changed, latency=20)
    make_delivery(theirs, event_at=changed, received_at=changed, latency=0.2)

    samples = scrape()
    mine = {"project": str(project.pk), "source": "linear"}
    buckets = {dict(key)["le"]: value for key, value in samples["app_webhook_freshness_seconds_bucket"].items()
               if {k: v for k, v in key if k != "le"} == mine}  # fmt: skip
    # 0 (skew), 0.3 | 0.8 | 1.5 | 4, 4 | 7 | — | 45 | — | 400
    assert [buckets[le] for le in BUCKETS] == [2, 3, 4, 6, 7, 7, 8, 8, 9]
    assert samples["app_webhook_freshness_seconds_count"][labels(**mine)] == 9
    assert samples["app_webhook_freshness_seconds_sum"][labels(**mine)] == pytest.approx(
        0.3 + 0.8 + 1.5 + 4 + 4 + 45 + 400 + 7 + 0, abs=0.01
    )
    assert samples["app_webhook_freshness_seconds_count"][labels(project=str(project.pk), source="chatwoot")] == 1
    theirs_fast = labels(project=str(other_project.pk), source="linear", le="0.5")
    assert samples["app_webhook_freshness_seconds_bucket"][theirs_fast] == 1


def test_nothing_applied_in_the_last_hour_leaves_the_histogram_empty(project):
    make_config(project, "attio")
    endpoint = make_endpoint(project, "attio")
    make_delivery(endpoint, received_at=timezone.now() - dt.timedelta(hours=3), latency=1)
    assert "app_webhook_freshness_seconds_count" not in scrape()


# ---------------------------------------------------------------- silent webhooks


def test_registered_endpoints_report_their_last_delivery_and_usual_quiet_period(project):
    now = timezone.now()
    for source in ("linear", "chatwoot", "attio"):
        make_config(project, source)
    registered = now - dt.timedelta(days=2)
    linear = make_endpoint(project, "linear", registered_at=registered, last_delivery_at=now - dt.timedelta(minutes=1))
    for minutes_ago in (100, 90, 50, 45, 1):  # gaps 10, 40, 5 and 44 min
        make_delivery(linear, received_at=now - dt.timedelta(minutes=minutes_ago), latency=1)
    make_delivery(linear, received_at=now - dt.timedelta(days=8), latency=1)  # beyond the 7 days looked at
    make_endpoint(project, "chatwoot", registered_at=registered)  # registered, nothing received yet
    unregistered = make_endpoint(project, "attio", last_delivery_at=now)
    make_delivery(unregistered, received_at=now, latency=1)

    samples = scrape()
    last = samples["app_webhook_last_delivery_timestamp_seconds"]
    quiet = samples["app_webhook_quiet_period_seconds"]
    key = {source: labels(project=str(project.pk), connector=source) for source in ("linear", "chatwoot", "attio")}
    assert last[key["linear"]] == pytest.approx((now - dt.timedelta(minutes=1)).timestamp(), abs=0.01)
    assert quiet[key["linear"]] == pytest.approx(44 * 60, abs=0.01)
    assert last[key["chatwoot"]] == pytest.approx(registered.timestamp(), abs=0.01)  # its registration
    assert quiet[key["chatwoot"]] == 0
    assert key["attio"] not in last  # not registered: silence is expected
    assert key["attio"] not in quiet

    ConnectorConfig.objects.filter(project=project, source="linear").update(enabled=False)
    assert key["linear"] not in scrape()["app_webhook_last_delivery_timestamp_seconds"]


def test_the_last_sync_that_found_changes(project, other_project):
    now = timezone.now()

    def run(project, source, minutes_ago, counts, *, running=False):
        started = now - dt.timedelta(minutes=minutes_ago)
        finished = None if running else started + dt.timedelta(seconds=3)
        return SyncRun.objects.create(project=project, source=source, status="running" if running else "ok",
                                      started_at=started, finished_at=finished, counts=counts)  # fmt: skip

    run(project, "linear", 60, {"issues": stream_counts(5, updated=2)})
    run(project, "linear", 30, {"issues": stream_counts(5), "comments": stream_counts(1, deleted=1)})  # newest
    run(project, "linear", 15, {"issues": stream_counts(5), "comments": stream_counts(3)})  # nothing changed
    run(project, "chatwoot", 40, {"messages": stream_counts(40, inserted=40)})
    run(project, "chatwoot", 5, {"messages": stream_counts(0, inserted=3)}, running=True)
    run(project, "attio", 25 * 60, {"deals": stream_counts(9, inserted=9)})  # older than 24 h
    run(other_project, "linear", 10, {"issues": stream_counts(1, inserted=1)})

    def at(minutes_ago):
        return pytest.approx((now - dt.timedelta(minutes=minutes_ago)).timestamp())

    assert scrape()["app_connector_last_change_timestamp_seconds"] == {
        labels(project=str(project.pk), connector="linear"): at(30),
        labels(project=str(project.pk), connector="chatwoot"): at(40),
        labels(project=str(other_project.pk), connector="linear"): at(10),
    }


# ---------------------------------------------------------------- retention


def test_deliveries_are_kept_for_their_retention_unless_still_to_apply(project, settings):
    settings.RETENTION_WEBHOOK_DELIVERIES_DAYS = 14
    make_config(project, "linear")
    endpoint = make_endpoint(project, "linear")
    now = timezone.now()
    old = now - dt.timedelta(days=15)
    gone = [make_delivery(endpoint, received_at=old, latency=1), make_delivery(endpoint, status="failed",
            received_at=old), make_delivery(endpoint, status="ignored", received_at=old)]  # fmt: skip
    kept = [make_delivery(endpoint, status="queued", received_at=old),
            make_delivery(endpoint, status="applying", received_at=old),
            make_delivery(endpoint, received_at=now - dt.timedelta(days=13), latency=1)]  # fmt: skip

    result = retention_cleanup(now=now)["tables"]["connector_webhook_deliveries"]

    assert result["deleted"] == 3
    assert result["remaining_overdue"] == 0
    remaining = set(WebhookDelivery.objects.values_list("pk", flat=True))
    assert remaining == {delivery.pk for delivery in kept}
    assert not remaining & {delivery.pk for delivery in gone}
