"""Reading `/metrics` as a client would: one scrape, parsed by the Prometheus client's own parser."""

from django.test import Client
from prometheus_client.parser import text_string_to_metric_families


def metrics_scrape(names=None) -> dict[str, dict[tuple, float]]:
    """{sample name: {sorted label items: value}} of one `/metrics` scrape (only `names`, when given)."""
    response = Client().get("/metrics")
    assert response.status_code == 200
    samples: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            if names is None or sample.name in names:
                samples.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return samples
