"""Local fake Chatwoot, Linear and Attio servers with a seeded studio dataset (no network, no Django).

    from sandbox import SandboxServers
    sb = SandboxServers().start()
    tenant = sb.add_tenant(name="acme", seed="acme", messages=2000)
    ...
    sb.stop()

`python -m sandbox serve` runs them from the command line.
"""

from sandbox.dataset import BASE_TIME, Dataset
from sandbox.hub import SandboxServers, Tenant

__all__ = ["BASE_TIME", "Dataset", "SandboxServers", "Tenant"]
