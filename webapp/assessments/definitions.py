"""Questionnaire definitions: loaded from ``questionnaires/*.toml`` with the library, kept in the database.

A cycle points at a stored definition, so its form and scores stay the same even after the file on disk
changes; a changed file must carry a new version. Compiled questionnaires are cached per definition row.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import select

import hamscore
from webapp.db import Database
from webapp.db.models import Definition

__all__ = ["Registry", "question_type"]

log = logging.getLogger(__name__)


def question_type(question: Any) -> str:
    """The question's kind ("single", "multi", ...); the library tags question structs by ``type``."""
    kind = getattr(question, "type", None)
    if isinstance(kind, str):
        return kind
    return str(question.__struct_config__.tag)


class Registry:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._cache: dict[int, Any] = {}
        self._lock = threading.Lock()

    def sync_directory(self, directory: Path) -> list[str]:
        """Store every ``*.toml`` definition not stored yet. Returns human-readable problems, one per file."""
        problems: list[str] = []
        if not directory.is_dir():
            return [f"{directory}: questionnaire directory not found (set HAMSCORE_QUESTIONNAIRES_DIR)"]
        for path in sorted(directory.glob("*.toml")):
            source = path.read_text(encoding="utf-8")
            problem = self.add(source, origin=str(path))
            if problem:
                problems.append(problem)
        return problems

    def add(self, source: str, *, origin: str = "<text>") -> str | None:
        """Store one definition; returns a problem message instead of raising."""
        try:
            q = hamscore.load(source)
        except hamscore.DefinitionError as error:
            first = "; ".join(str(p) for p in list(error.problems)[:3])
            return f"{origin}: not loaded, {len(error.problems)} problem(s): {first}"
        with self.db.write() as s:
            row = s.scalar(
                select(Definition).where(Definition.questionnaire == q.id, Definition.version == q.version)
            )
            if row is None:
                s.add(Definition(questionnaire=q.id, version=q.version, digest=q.digest, source=source))
                return None
            if row.digest != q.digest:
                return (
                    f"{origin}: {q.id} version {q.version} is already stored with different content; "
                    "give the changed definition a new version"
                )
        return None

    def get(self, definition_id: int) -> Any:
        """The compiled ``hamscore.Questionnaire`` of a stored definition."""
        found = self._cache.get(definition_id)
        if found is not None:
            return found
        with self.db.read() as s:
            row = s.get(Definition, definition_id)
        if row is None:
            raise LookupError(f"definition {definition_id} is not stored")
        q = hamscore.load(row.source)
        with self._lock:
            self._cache[definition_id] = q
        return q

    def stored(self) -> list[Definition]:
        with self.db.read() as s:
            return list(s.scalars(select(Definition).order_by(Definition.questionnaire, Definition.version)))

    def find(self, questionnaire: str, version: str) -> Definition | None:
        with self.db.read() as s:
            return s.scalar(
                select(Definition).where(
                    Definition.questionnaire == questionnaire, Definition.version == version
                )
            )
