"""Control endpoints under `/_sandbox/` (not part of any real API, no auth), the same on every server.

POST   /_sandbox/tenants   {name, seed?, messages?, token?} -> 201 tenant credentials + URLs
GET    /_sandbox/tenants   -> [credentials]
POST   /_sandbox/mutate    {tenant, action, count?, ids?, ...} -> affected ids
POST   /_sandbox/faults    {rule} or {"rule": {rule}} (service defaults to this server's) -> 201 {id}
GET    /_sandbox/faults    -> [rules with seen/fired counters]
DELETE /_sandbox/faults    ?service= -> {cleared}
GET    /_sandbox/requests  ?service= (default: this server's; "all" for every service) -> [entries]
DELETE /_sandbox/requests  ?service= (default: all) -> {cleared: true}
GET    /_sandbox/health    -> {status: "ok", tenants, urls}
GET    /_sandbox/webhooks  ?service= (default: this server's; "all") &tenant= -> [subscriptions with secrets]
POST   /_sandbox/webhooks/pause | /_sandbox/webhooks/resume -> {paused}: hold / release deliveries
GET    /_sandbox/deliveries ?service= (default: this server's; "all") &tenant= -> [deliveries, oldest first]
DELETE /_sandbox/deliveries ?service= (default: all) -> {cleared: true}
GET    /_sandbox/deliveries/idle ?timeout=10 -> {idle}: waits until nothing is queued or in flight
"""

from sandbox.base import Request, Response, json_response


def control(app, request: Request) -> Response:
    hub = app.hub
    route = (request.method, request.path.rstrip("/"))
    body = request.json if isinstance(request.json, dict) else {}
    if request.bad_json:
        return json_response(400, {"error": "body is not JSON"})
    try:
        return _route(app, hub, route, request, body)
    except KeyError as exc:
        return json_response(404, {"error": str(exc.args[0]) if exc.args else "not found"})
    except (ValueError, TypeError) as exc:
        return json_response(400, {"error": str(exc)})


def _route(app, hub, route, request: Request, body: dict) -> Response:
    match route:
        case ("GET", "/_sandbox/health"):
            return json_response(200, {**hub.health(), "service": app.name})
        case ("POST", "/_sandbox/tenants"):
            tenant = hub.add_tenant(
                name=body.get("name"),
                seed=body.get("seed"),
                messages=int(body.get("messages", 2000)),
                token=body.get("token"),
            )
            return json_response(201, {**tenant.credentials(), **hub.urls()})
        case ("GET", "/_sandbox/tenants"):
            return json_response(200, [t.credentials() for t in hub.tenants.values()])
        case ("POST", "/_sandbox/mutate"):
            params = {k: v for k, v in body.items() if k not in ("tenant", "action")}
            return json_response(200, hub.mutate(body.get("tenant"), body.get("action"), **params))
        case ("POST", "/_sandbox/faults"):
            rule = dict(body.get("rule", body))
            service = rule.pop("service", app.name)
            return json_response(201, {"id": hub.add_fault(service, **rule)})
        case ("GET", "/_sandbox/faults"):
            return json_response(200, hub.faults.rules(request.arg("service")))
        case ("DELETE", "/_sandbox/faults"):
            return json_response(200, {"cleared": hub.clear_faults(request.arg("service"))})
        case ("GET", "/_sandbox/requests"):
            service = request.arg("service", app.name)
            return json_response(200, hub.requests(None if service == "all" else service))
        case ("DELETE", "/_sandbox/requests"):
            hub.clear_requests(request.arg("service"))
            return json_response(200, {"cleared": True})
    return _webhooks(app, hub, route, request)


def _webhooks(app, hub, route, request: Request) -> Response:
    service = request.arg("service", app.name)
    service = None if service == "all" else service
    match route:
        case ("GET", "/_sandbox/webhooks"):
            return json_response(200, hub.subscriptions(service, request.arg("tenant")))
        case ("POST", "/_sandbox/webhooks/pause"):
            hub.pause_webhooks()
            return json_response(200, {"paused": True})
        case ("POST", "/_sandbox/webhooks/resume"):
            hub.resume_webhooks()
            return json_response(200, {"paused": False})
        case ("GET", "/_sandbox/deliveries"):
            return json_response(200, hub.deliveries(service, request.arg("tenant")))
        case ("DELETE", "/_sandbox/deliveries"):
            hub.clear_deliveries(request.arg("service"))
            return json_response(200, {"cleared": True})
        case ("GET", "/_sandbox/deliveries/idle"):
            return json_response(200, {"idle": hub.wait_deliveries_idle(float(request.arg("timeout", 10)))})
    return json_response(404, {"error": f"no control endpoint {route[0]} {route[1]}"})
