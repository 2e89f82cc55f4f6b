"""CLI: `python -m sandbox serve [options]`.

Prints one JSON line with the three base URLs and the tenant's credentials, then serves until
SIGINT/SIGTERM.
"""

import argparse
import json
import signal
import sys
import threading

from sandbox.hub import SandboxServers


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sandbox")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the three sandbox servers")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--chatwoot-port", type=int, default=0)
    serve.add_argument("--linear-port", type=int, default=0)
    serve.add_argument("--attio-port", type=int, default=0)
    serve.add_argument("--tenant", default="demo", help="name of the tenant created at start")
    serve.add_argument("--seed", default="demo")
    serve.add_argument("--messages", type=int, default=2000)
    serve.add_argument("--token", default=None, help="use this credential for all three services")
    serve.add_argument("--webhook-delays", default="0.5,2,8", help="seconds before each webhook retry, comma-separated")
    serve.add_argument("--webhook-attempts", type=int, default=4, help="attempts per webhook delivery")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    servers = SandboxServers(
        host=args.host,
        chatwoot_port=args.chatwoot_port,
        linear_port=args.linear_port,
        attio_port=args.attio_port,
        webhook_delays=tuple(float(d) for d in args.webhook_delays.split(",") if d.strip()),
        webhook_attempts=args.webhook_attempts,
    ).start()
    tenant = servers.add_tenant(name=args.tenant, seed=args.seed, messages=args.messages, token=args.token)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    print(json.dumps({**servers.urls(), **tenant.credentials()}, ensure_ascii=False), flush=True)
    stop.wait()
    servers.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
