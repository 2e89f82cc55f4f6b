"""`manage.py sandbox --mutate ACTION[:COUNT]`: the tenant's data changes once the servers are up."""

import io
import json

import pytest
import requests
from django.core.management import call_command
from django.core.management.base import CommandError

from workforce.management.commands.sandbox import Command


def test_mutate_changes_the_served_data_and_prints_the_affected_ids(monkeypatch):
    out, statuses = io.StringIO(), {}

    def read_then_stop(servers):  # instead of serving until Ctrl-C: what a client sees now
        printed = [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]
        headers = {"Authorization": f"Bearer {servers.tenant('mutate-cmd').attio_api_key}"}
        for note_id in printed[0]["affected"]["notes"]:
            reply = requests.get(f"{servers.attio_url}/v2/notes/{note_id}", headers=headers, timeout=10)
            statuses[note_id] = reply.status_code
        servers.stop()

    monkeypatch.setattr(Command, "_serve_until_stopped", staticmethod(read_then_stop))
    args = ["--seed", "mutate-cmd", "--messages", "300", "--mutate", "delete_notes:2", "--mutate", "archive_issues"]
    call_command("sandbox", *args, stdout=out)

    printed = [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]
    assert [line["action"] for line in printed] == ["delete_notes", "archive_issues"]
    assert len(printed[0]["affected"]["notes"]) == 2
    assert len(printed[1]["affected"]["issues"]) == 1
    assert statuses == dict.fromkeys(printed[0]["affected"]["notes"], 404)


@pytest.mark.parametrize(
    ("spec", "message"),
    [("explode:2", r"unknown --mutate action 'explode'; valid: .*delete_contacts"), ("delete_notes:0", "positive")],
)
def test_a_bad_mutate_fails_before_the_servers_start(monkeypatch, spec, message):
    started = []
    monkeypatch.setattr("sandbox.SandboxServers.start", lambda self: started.append(self))
    with pytest.raises(CommandError, match=message):
        call_command("sandbox", "--mutate", spec, stdout=io.StringIO())
    assert started == []
