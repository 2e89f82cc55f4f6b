"""Source connectors: a registry of small classes behind `connectors.sources.base.Connector`."""

from connectors.sources import attio, chatwoot, linear  # noqa: F401 - importing registers each connector
from connectors.sources.base import REGISTRY, Connector, Page, connector_for

__all__ = ["REGISTRY", "Connector", "Page", "connector_for"]
