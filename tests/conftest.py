"""Shared fixtures: the seed sample evaluation, its ruleset and its assessment."""
from __future__ import annotations

from pathlib import Path

import pytest

from scoring import Assessment, Evaluation, Ruleset, assess, load_ruleset, sample_evaluation

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def seed() -> Evaluation:
    """A fresh copy of the seed evaluation (寻甸县融媒体中心 2024), safe to modify."""
    return sample_evaluation()


@pytest.fixture(scope="session")
def xundian() -> Ruleset:
    return load_ruleset("xundian-2024")


@pytest.fixture
def seed_assessment(seed, xundian) -> Assessment:
    """The seed scored and checked once under xundian-2024 (``seed`` unmodified)."""
    return assess(seed, xundian)


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The seed report's text (tests/fixtures/seed.txt, a copy of the shared seed file)."""
    return (FIXTURES / "seed.txt").read_text(encoding="utf-8")


@pytest.fixture
def caller(monkeypatch):
    """Install a stand-in workbook as what xlwings' ``Book.caller()`` returns to a button's entry point."""
    xw = pytest.importorskip("xlwings")

    def install(book):
        monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: book))
        return book

    return install
