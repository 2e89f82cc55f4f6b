"""Local fake Chatwoot, Linear and Attio servers with a seeded studio dataset (no network, no Django).

    from connectors.sandbox import SandboxServers
    sb = SandboxServers().start()
    tenant = sb.add_tenant(name="acme", seed="acme", messages=2000)
    ...
    sb.stop()

`python -m connectors.sandbox serve` runs them from the command line.
"""

from connectors.sandbox.dataset import BASE_TIME, Dataset
from connectors.sandbox.hub import SandboxServers, Tenant

__all__ = ["BASE_TIME", "Dataset", "SandboxServers", "Tenant"]
