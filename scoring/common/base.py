"""Base classes of the core's pydantic models.

Validators are built on first use (``defer_build``), not at import: Excel's UDF server imports
the core at its first calculation, and most models are never validated on that path.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """A data model that refuses unknown fields."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


class Frozen(Record):
    """A record that cannot change once made (rules, rulesets, grade bands)."""

    model_config = ConfigDict(frozen=True)
