"""Fixtures for the library's specification tests.

Each test writes only the part of a questionnaire it is about, inline, as TOML; the ``definition``
fixture puts the usual head in front: a bilingual title and three rating bands (green from 80,
yellow from 50, red from 0). A test about the head or the rating passes its own ``rating=``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest

import hamscore
from hamscore import Code, Problem

HEAD = """
id = "bham"
version = "2026.1"
title = { id = "Penilaian HAM", en = "Human-rights assessment" }
languages = ["id", "en"]
"""

RATING = """
[rating]
bands = [{ level = "green", min = 80 }, { level = "yellow", min = 50 }, { level = "red", min = 0 }]
"""


def _definition(body: str, *, rating: str = RATING, head: str = HEAD) -> str:
    return head + rating + body


def _located(found: Iterable[Problem], code: Code, location: str) -> Problem:
    found = list(found)
    matches = [p for p in found if p.code is code and p.location == location]
    assert len(matches) == 1, f"expected one {code.value} at {location!r}, found: {[str(p) for p in found]}"
    problem = matches[0]
    assert problem.message.strip(), "every problem says what is wrong"
    assert problem.hint.strip(), "every problem says what to do"
    return problem


@pytest.fixture
def definition() -> Callable[..., str]:
    """``definition(body, rating=..., head=...)``: the TOML text of a questionnaire."""
    return _definition


@pytest.fixture
def load() -> Callable[..., hamscore.Questionnaire]:
    """``load(body, rating=...)``: the questionnaire made of the usual head and ``body``."""

    def load(body: str, **parts: str) -> hamscore.Questionnaire:
        return hamscore.load(_definition(body, **parts))

    return load


@pytest.fixture
def check() -> Callable[..., list[Problem]]:
    """``check(body, rating=...)``: every problem of the questionnaire, without raising."""

    def check(body: str, **parts: str) -> list[Problem]:
        return hamscore.check(_definition(body, **parts))

    return check


@pytest.fixture
def located() -> Callable[[Iterable[Problem], Code, str], Problem]:
    """``located(problems, code, location)``: the one problem with that code at that place.

    It also insists on a message and a hint, so every code's test checks all three.
    """
    return _located
