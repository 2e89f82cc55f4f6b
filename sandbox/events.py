"""Which webhook events a mutation action emits: the product module of each action (events_*.py).

`watch` runs before a mutation, under the dataset lock: when no subscription of that tenant listens to
the action's product it returns None and nothing is built. Otherwise it snapshots what the product
module needs (old values for `changed_attributes` / `updatedFrom`, deleted rows) and returns a function
turning the mutation's result into events.
"""

from sandbox import events_attio, events_chatwoot, events_linear

MODULES = {"chatwoot": events_chatwoot, "linear": events_linear, "attio": events_attio}
SERVICE = {action: service for service, module in MODULES.items() for action in module.ACTIONS}


def watch(webhooks, tenant, action: str):
    service = SERVICE.get(action)
    if service is None or not webhooks.wants(service, tenant.name):
        return None
    module = MODULES[service]
    before = module.snapshot(tenant.dataset)
    return lambda result: module.events(tenant, action, result, before)
