"""Hand-written question sets over one sandbox seed: the question record, the selectors that name its relevant
records, and the build that resolves them into the seed's source ids.

A set module (`heldout.py`, `heldout2.py`, `tuning.py`, `tuning2.py`, `tuning3.py`) holds its seed and its
`QUESTIONS` and takes its `build` / `load` / `dumps` from `set_functions` here. Selectors: ("issue", key)
("deal", id prefix) ("company", id prefix) ("conv", id) ("convs", client, regex over public messages) ("issues",
client, regex over title/description/comments) ("stage", stage title): deals whose current stage it is. A client
is the seed's client index.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from rag.evaluation import questions as question_files

SLICES = ("paraphrase", "two_source", "note_comment", "cross_language", "current_fact", "quote")


@dataclass(frozen=True)
class Q:
    id: str
    lang: str
    slices: tuple
    question: str
    relevant: tuple  # selectors, see `Index`
    facts: tuple
    clients: tuple = ()  # whose private notes are forbidden
    extra_forbidden: tuple = field(default=())


def issue(key):
    return ("issue", key)


def deal(prefix):
    return ("deal", prefix)


def company(prefix):
    return ("company", prefix)


def conv(number):
    return ("conv", number)


def convs(client, pattern):
    return ("convs", client, pattern)


def issues(client, pattern):
    return ("issues", client, pattern)


class Index:
    """The seed's records as the selectors see them: public text per source, with the client's index."""

    def __init__(self, ds) -> None:
        self.ds = ds
        comments: dict[str, list[str]] = {}
        for comment in ds.linear.comments.values():
            comments.setdefault(comment["issueId"], []).append(comment["body"])
        self.issues = {}
        for i in ds.linear.issues.values():
            text = "\n".join([i["title"], i["description"], *comments.get(i["id"], [])])
            self.issues[i["identifier"]] = (i["id"], i["client"], text)
        self.conversations = {}
        for conversation in ds.conversations.values():
            client = ds.contacts[conversation.contact_id].client
            public = [m.content for m in conversation.messages if not m.private and m.message_type != 2]
            private = [m.content for m in conversation.messages if m.private]
            self.conversations[conversation.id] = (client, "\n".join(public), private)
        self.deals = {d["id"]["record_id"]: d for d in ds.attio.records["deals"].values()}
        self.companies = {c["id"]["record_id"]: c for c in ds.attio.records["companies"].values()}

    def keys(self, selector) -> list[str]:
        kind, *args = selector
        if kind == "issue":
            return [f"linear_issue:{self.issues[args[0]][0]}"]
        if kind in ("deal", "company"):
            records = self.deals if kind == "deal" else self.companies
            found = [record_id for record_id in records if record_id.startswith(args[0])]
            assert len(found) == 1, selector
            return [f"attio_{kind}:{found[0]}"]
        if kind == "conv":
            assert args[0] in self.conversations, selector
            return [f"chatwoot_conversation:{args[0]}"]
        if kind == "convs":
            client, pattern = args
            return [
                f"chatwoot_conversation:{number}"
                for number, (owner, text, _) in self.conversations.items()
                if (client is None or owner == client) and re.search(pattern, text)
            ]
        if kind == "issues":
            client, pattern = args
            return [
                f"linear_issue:{issue_id}"
                for issue_id, owner, text in self.issues.values()
                if owner == client and re.search(pattern, text)
            ]
        if kind == "stage":
            return [
                f"attio_deal:{record_id}"
                for record_id, record in self.deals.items()
                if next(v for v in record["values"]["stage"] if v["active_until"] is None)["status"]["title"] == args[0]
            ]
        raise ValueError(selector)

    def private_notes(self, client: int) -> list[str]:
        notes = {text for owner, _, private in self.conversations.values() if owner == client for text in private}
        return sorted(notes)


def build(questions: list, seed: str, messages: int) -> list[dict]:
    from sandbox.dataset import Dataset

    index = Index(Dataset(seed, messages))
    entries = []
    for q in questions:
        keys = sorted({key for selector in q.relevant for key in index.keys(selector)})
        assert keys, q.id
        forbidden = sorted({text for client in q.clients for text in index.private_notes(client)})
        entries.append(
            {
                "id": q.id,
                "question": q.question,
                "lang": q.lang,
                "slices": list(q.slices),
                "relevant": [{"source_type": k.split(":", 1)[0], "source_id": k.split(":", 1)[1]} for k in keys],
                "facts": [list(group) for group in q.facts],
                "forbidden": forbidden + list(q.extra_forbidden),
            }
        )
    return entries


def set_functions(questions: list, seed: str, messages: int, path: Path):
    """A set module's `build()` (resolve its questions against its seed), `load()` (its committed file) and
    `dumps(entries)` (the file's text)."""

    def build_set() -> list[dict]:
        return build(questions, seed, messages)

    def load_set() -> dict:
        return load(path)

    def dumps_set(entries) -> str:
        return dumps(entries, seed=seed, messages=messages)

    return build_set, load_set, dumps_set


def write(path: Path, text: str) -> None:
    path.write_text(text)
    print(f"wrote {path}")


def load(path: Path) -> dict:
    """A committed set: {seed, messages, questions}."""
    return question_files.load(path)


def dumps(entries: list[dict], *, seed: str, messages: int) -> str:
    return question_files.dumps(entries, seed=seed, messages=messages)
