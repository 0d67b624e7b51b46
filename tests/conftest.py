"""Shared fixtures: the seed sample evaluation and its ruleset."""
from __future__ import annotations

import pytest

from scoring.model import Evaluation, sample_evaluation
from scoring.ruleset import Ruleset, load_ruleset


@pytest.fixture
def seed() -> Evaluation:
    """A fresh copy of the seed evaluation (寻甸县融媒体中心 2024), safe to modify."""
    return sample_evaluation()


@pytest.fixture(scope="session")
def xundian() -> Ruleset:
    return load_ruleset("xundian-2024")
