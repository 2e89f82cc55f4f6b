"""Mapping source deal stages to the mirror's stages, and stage probabilities (both configurable)."""

import json
import re

from django.conf import settings

from crm.models import Stage

DEFAULT_STAGE_MAP = {
    "lead": Stage.DISCOVERY,
    "discovery": Stage.DISCOVERY,
    "in progress": Stage.QUALIFIED,
    "qualified": Stage.QUALIFIED,
    "proposal": Stage.PROPOSAL,
    "negotiation": Stage.NEGOTIATION,
    "won": Stage.WON,
    "closed won": Stage.WON,
    "lost": Stage.LOST,
    "closed lost": Stage.LOST,
}
PROBABILITY = {
    Stage.DISCOVERY: 0.1,
    Stage.QUALIFIED: 0.25,
    Stage.PROPOSAL: 0.5,
    Stage.NEGOTIATION: 0.75,
    Stage.WON: 1.0,
    Stage.LOST: 0.0,
}


def normalise(title: str) -> str:
    """'Won 🎉' → 'won': lower case, letters/digits/spaces only, single spaces."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", (title or "").lower())).strip()


def stage_map() -> dict[str, str]:
    """Defaults overridden by CRM_STAGE_MAP (JSON: {"source title": "mirror stage"})."""
    custom = json.loads(settings.CRM_STAGE_MAP) if settings.CRM_STAGE_MAP else {}
    return {**DEFAULT_STAGE_MAP, **{normalise(k): v for k, v in custom.items()}}


def map_stage(title: str) -> str:
    """The mirror stage of a source stage title; unknown titles count as discovery."""
    return stage_map().get(normalise(title), Stage.DISCOVERY)
