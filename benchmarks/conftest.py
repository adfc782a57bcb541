"""Shared data for the speed benchmarks: the benchmark questionnaire, documents, a 1M-row file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

import hamscore
from benchmarks.generate import documents, questionnaire_json
from hamscore.bulk import frame_from_documents, write_frame

ROWS = 1_000_000


@pytest.fixture(scope="session")
def definition() -> bytes:
    return questionnaire_json()


@pytest.fixture(scope="session")
def questionnaire(definition: bytes) -> hamscore.Questionnaire:
    return hamscore.load(definition)


@pytest.fixture(scope="session")
def docs(definition: bytes) -> list[dict[str, Any]]:
    return documents(definition, 10_000)


@pytest.fixture(scope="session")
def frame(questionnaire: hamscore.Questionnaire, docs: list[dict[str, Any]]) -> pl.DataFrame:
    frame = frame_from_documents(questionnaire, docs)
    assert isinstance(frame.schema["q001"], pl.Enum), "answers in the layout's fast types, not text"
    return frame


@pytest.fixture(scope="session")
def million_rows_file(tmp_path_factory: pytest.TempPathFactory, frame: pl.DataFrame) -> Path:
    """1,000,000 submissions as Parquet, written once per session: the 10,000 documents drawn
    with replacement (building a million documents in Python would take longer than scoring them).
    Its answer columns have the layout's Enum types, as :func:`frame_from_documents` gives them."""
    path = tmp_path_factory.mktemp("bulk") / "answers.parquet"
    rows = frame.sample(ROWS, with_replacement=True, seed=3)
    write_frame(rows.with_columns(pl.int_range(ROWS).alias("submission")), path)
    return path
