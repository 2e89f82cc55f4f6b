"""The client page's picture of its graph neighbourhood: a deterministic radial layout drawn as server-side SVG.

The client sits in the middle; its contacts, deals and Linear projects on an inner ring, issues and
conversations on an outer one, each ring ordered by kind, then name, then id, so the same neighbourhood always
draws the same picture. No JavaScript, no layout library.
"""

import math
from dataclasses import dataclass

WIDTH, HEIGHT = 760, 480
CENTRE = (WIDTH / 2, HEIGHT / 2)
RINGS = {"contact": 0, "deal": 0, "linear_project": 0, "issue": 1, "conversation": 1}
RADII = (120, 200)
KIND_ORDER = ("contact", "deal", "linear_project", "issue", "conversation")
KIND_LABELS = {
    "client": "client",
    "contact": "contact",
    "deal": "deal",
    "linear_project": "Linear project",
    "issue": "issue",
    "conversation": "conversation",
}
LABEL_CHARS = 22


@dataclass(frozen=True)
class PlacedNode:
    id: str
    kind: str
    name: str
    label: str  # the name cut to LABEL_CHARS
    x: float
    y: float
    anchor: str  # SVG text-anchor: labels point away from the centre
    label_x: float
    label_y: float

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True)
class PlacedEdge:
    x1: float
    y1: float
    x2: float
    y2: float
    type: str


def _label(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"


def _placed(node: dict, x: float, y: float) -> PlacedNode:
    dx = x - CENTRE[0]
    anchor = "middle" if abs(dx) < 1 else ("start" if dx > 0 else "end")
    label_x = x + (0 if anchor == "middle" else (10 if anchor == "start" else -10))
    label_y = y + (18 if anchor == "middle" and y >= CENTRE[1] else -12 if anchor == "middle" else 4)
    name = str(node.get("name") or node["id"])
    return PlacedNode(node["id"], node["kind"], name, _label(name), round(x, 1), round(y, 1), anchor,
                      round(label_x, 1), round(label_y, 1))  # fmt: skip


def neighbourhood_layout(neighbourhood: dict) -> dict:
    """`{nodes: [PlacedNode], edges: [PlacedEdge], width, height, counts: {kind: n}}` for the SVG template."""
    nodes = neighbourhood.get("nodes") or []
    clients = [node for node in nodes if node["kind"] == "client"]
    if not clients:
        return {"nodes": [], "edges": [], "width": WIDTH, "height": HEIGHT, "counts": {}}
    placed = {clients[0]["id"]: _placed(clients[0], *CENTRE)}
    others = sorted(
        (node for node in nodes if node["kind"] in RINGS),
        key=lambda node: (KIND_ORDER.index(node["kind"]), str(node.get("name") or ""), node["id"]),
    )
    for ring, radius in enumerate(RADII):
        members = [node for node in others if RINGS[node["kind"]] == ring]
        # The outer ring is turned by half a step so its nodes fall between the inner ring's.
        offset = math.pi / max(len(members), 1) if ring else 0
        for index, node in enumerate(members):
            angle = -math.pi / 2 + offset + 2 * math.pi * index / len(members)
            placed[node["id"]] = _placed(node, CENTRE[0] + radius * math.cos(angle),
                                         CENTRE[1] + radius * math.sin(angle) * 0.82)  # fmt: skip
    edges = [
        PlacedEdge(placed[e["source"]].x, placed[e["source"]].y, placed[e["target"]].x, placed[e["target"]].y,
                   e.get("type", ""))
        for e in neighbourhood.get("edges") or []
        if e.get("source") in placed and e.get("target") in placed
    ]  # fmt: skip
    counts: dict[str, int] = {}
    for node in placed.values():
        counts[node.kind] = counts.get(node.kind, 0) + 1
    return {"nodes": list(placed.values()), "edges": edges, "width": WIDTH, "height": HEIGHT, "counts": counts}
