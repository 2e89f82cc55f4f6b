"""The generated studio dataset: deterministic, coherent across the three products, and fast at scale."""

import re
import time
from collections import Counter

from sandbox.dataset import BASE_EPOCH, Dataset, iso_ms, iso_ns, parse_iso

CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def test_same_seed_and_scale_give_byte_identical_json():
    assert Dataset("acme", 2000).to_json() == Dataset("acme", 2000).to_json()


def test_a_different_seed_gives_different_data():
    assert Dataset("acme", 2000).to_json() != Dataset("globex", 2000).to_json()


def test_counts_at_the_default_scale():
    counts = Dataset("acme", 2000).counts()
    assert counts["messages"] == 2000
    assert counts["clients"] == 8
    assert counts["inboxes"] == 3
    assert 4 <= counts["agents"] <= 6
    assert 0.05 <= counts["private_messages"] / counts["messages"] <= 0.12
    assert counts["activity_messages"] > 0
    assert counts["issues"] >= 120
    assert counts["comments"] > 0
    assert 2 <= counts["teams"] <= 3
    assert counts["companies"] == counts["clients"]
    assert counts["deals"] >= counts["clients"] + 2
    assert counts["anonymous_contacts"] >= 3


def test_threads_vary_and_one_spans_several_pages_of_100():
    ds = Dataset("acme", 2000)
    sizes = [len(c.messages) for c in ds.conversations.values()]
    assert max(sizes) > 250
    assert ds.longest_conversation()[1] == max(sizes)
    typical = [s for s in sizes if 5 <= s <= 40]
    assert len(typical) / len(sizes) > 0.8


def test_messages_ascend_in_time_and_id_inside_each_conversation_and_before_base_time():
    ds = Dataset("acme", 2000)
    all_ids = []
    for conversation in ds.conversations.values():
        ids = [m.id for m in conversation.messages]
        times = [m.created_at for m in conversation.messages]
        assert ids == sorted(ids)
        assert times == sorted(times)
        assert conversation.last_activity_at == times[-1] < BASE_EPOCH
        assert BASE_EPOCH - times[0] <= 91 * 86400
        all_ids += ids
    assert len(set(all_ids)) == len(all_ids) == 2000


def test_clients_include_russian_names_and_two_companies_with_the_same_name():
    ds = Dataset("acme", 2000)
    names = Counter(c.name for c in ds.clients)
    twins = [name for name, n in names.items() if n == 2]
    assert len(twins) == 1
    assert len({c.domain for c in ds.clients if c.name == twins[0]}) == 2
    assert any(CYRILLIC.search(c.name) for c in ds.clients)
    assert {c.lang for c in ds.clients} == {"en", "ru"}


def test_contacts_anonymous_ones_and_a_shared_email():
    ds = Dataset("acme", 2000)
    emails = Counter(c.email for c in ds.contacts.values() if c.email)
    assert sorted(emails.values())[-1] == 2  # exactly one e-mail is shared by two contacts
    anonymous = [c for c in ds.contacts.values() if not c.resolved]
    assert anonymous
    assert all(c.email is None and c.phone is None and c.identifier is None for c in anonymous)
    for contact in ds.contacts.values():
        if contact.email and contact.client is not None:
            assert contact.email.endswith("@" + ds.clients[contact.client].domain)


def test_content_language_follows_the_client_and_private_notes_are_recognisable():
    ds = Dataset("acme", 2000)
    for conversation in ds.conversations.values():
        contact = ds.contacts[conversation.contact_id]
        if contact.client is None:
            continue
        lang = ds.clients[contact.client].lang
        chat = [m for m in conversation.messages if m.message_type != 2]
        if lang == "ru":
            assert all(CYRILLIC.search(m.content) for m in chat)
        else:
            assert not any(CYRILLIC.search(m.content) for m in chat if m.message_type == 0)
    notes = [m for c in ds.conversations.values() for m in c.messages if m.private]
    assert all(m.message_type == 1 and m.sender_type == "User" for m in notes)
    assert all("INTERNAL" in m.content or "внутренняя заметка" in m.content for m in notes)


def test_the_three_products_agree_on_clients():
    ds = Dataset("acme", 2000)
    project_names = [p["name"] for p in ds.linear.projects]
    assert all(any(p.startswith(c.name) for p in project_names) for c in ds.clients)
    companies = {r["values"]["name"][0]["value"] for r in ds.attio.records["companies"].values()}
    assert companies == {c.name for c in ds.clients}
    people = {r["values"]["email_addresses"][0]["email_address"] for r in ds.attio.records["people"].values()}
    assert people == {c.email for c in ds.resolved_contacts() if c.email}
    issue = next(iter(ds.linear.issues.values()))
    assert ds.clients[issue["client"]].name in issue["title"]
    orphans = [d for d in ds.attio.records["deals"].values() if not d["values"]["associated_company"]]
    assert len(orphans) >= 2


def test_timestamp_formats_round_trip():
    assert iso_ms(BASE_EPOCH + 0.123) == "2026-11-01T00:00:00.123Z"
    assert iso_ns(BASE_EPOCH + 0.5) == "2026-11-01T00:00:00.500000000Z"
    assert parse_iso("2026-11-01T00:00:00.500000000Z") == BASE_EPOCH + 0.5


def test_100k_messages_generate_quickly():
    started = time.perf_counter()
    ds = Dataset("scale", 100_000)
    elapsed = time.perf_counter() - started
    counts = ds.counts()
    print(f"\n100k-message dataset generated in {elapsed:.2f} s: {counts}")
    assert counts["messages"] == 100_000
    assert counts["issues"] == 5000
    assert elapsed < 15


def test_two_tenants_with_the_same_seed_serve_identical_json(sandbox, make_tenant):
    from sandbox.tests.conftest import Attio, Chatwoot, Linear

    first, second = make_tenant(seed="twin"), make_tenant(seed="twin")
    query = "{ issues(first: 250, includeArchived: true) { nodes { id title updatedAt url state { name } } } }"
    assert Linear(sandbox, first).query(query).content == Linear(sandbox, second).query(query).content
    assert Attio(sandbox, first).query("deals").content == Attio(sandbox, second).query("deals").content
    # Chatwoot bodies differ only by the account id, which is per tenant.
    pages = [Chatwoot(sandbox, t).get("/conversations", status="all").text for t in (first, second)]
    assert pages[0].replace(f'"account_id":{first.chatwoot_account_id},', "") == pages[1].replace(
        f'"account_id":{second.chatwoot_account_id},', ""
    )
    other = make_tenant(seed="not-a-twin")
    assert Linear(sandbox, first).query(query).content != Linear(sandbox, other).query(query).content
