"""Connector models: configuration, sync state, runs, errors, and the raw tables per source."""

from connectors.constants import PORTFOLIO
from connectors.models.raw import (
    RAW_MODELS,
    RawAttioCompany,
    RawAttioDeal,
    RawAttioNote,
    RawAttioPerson,
    RawChatwootContact,
    RawChatwootConversation,
    RawChatwootInbox,
    RawChatwootMessage,
    RawLinearComment,
    RawLinearCycle,
    RawLinearIssue,
    RawLinearProject,
    RawLinearTeam,
    RawLinearWorkflowState,
    RawRecord,
)
from connectors.models.reconciliation import IdCheck, ReconciliationMetric
from connectors.models.sync import (
    ConnectorConfig,
    ConnectorError,
    ConnectorSyncState,
    ErrorStatus,
    Source,
    SyncRun,
    SyncStatus,
)
from connectors.models.webhooks import DeliveryStatus, WebhookDelivery, WebhookEndpoint

__all__ = [
    "PORTFOLIO",
    "RAW_MODELS",
    "ConnectorConfig",
    "ConnectorError",
    "ConnectorSyncState",
    "DeliveryStatus",
    "ErrorStatus",
    "IdCheck",
    "RawAttioCompany",
    "RawAttioDeal",
    "RawAttioNote",
    "RawAttioPerson",
    "RawChatwootContact",
    "RawChatwootConversation",
    "RawChatwootInbox",
    "RawChatwootMessage",
    "RawLinearComment",
    "RawLinearCycle",
    "RawLinearIssue",
    "RawLinearProject",
    "RawLinearTeam",
    "RawLinearWorkflowState",
    "RawRecord",
    "ReconciliationMetric",
    "Source",
    "SyncRun",
    "SyncStatus",
    "WebhookDelivery",
    "WebhookEndpoint",
]
