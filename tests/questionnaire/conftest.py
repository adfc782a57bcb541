"""Fixtures for the specification of the shipped BHAM questionnaire.

The questionnaire and its example submissions are product content, not test data: these tests read the
files exactly as they ship, so a change to a question, a point value or an example shows up here.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import hamscore

ROOT = Path(__file__).resolve().parents[2]
QUESTIONNAIRES = ROOT / "questionnaires"
BHAM = QUESTIONNAIRES / "bham.toml"
EXAMPLES = QUESTIONNAIRES / "examples"


@pytest.fixture(scope="session")
def bham() -> hamscore.Questionnaire:
    return hamscore.load(BHAM)


@pytest.fixture(scope="session")
def bham_raw() -> dict[str, Any]:
    """The file as TOML sees it, before the loader fills in defaults."""
    with BHAM.open("rb") as f:
        return tomllib.load(f)


@pytest.fixture
def example() -> Callable[[str], dict[str, Any]]:
    """Read a shipped example submission by name; each call returns a fresh copy, safe to modify."""

    def read(name: str) -> dict[str, Any]:
        return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))

    return read
