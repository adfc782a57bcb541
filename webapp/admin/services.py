"""Admin: assessment cycles (which questionnaire version, open and close dates)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from webapp.db import Database
from webapp.db.models import Cycle, Definition

__all__ = ["create_cycle", "list_cycles"]


def list_cycles(db: Database) -> list[tuple[Cycle, Definition]]:
    with db.read() as s:
        rows = s.execute(
            select(Cycle, Definition)
            .join(Definition, Definition.id == Cycle.definition_id)
            .order_by(Cycle.opens_on.desc())
        ).all()
        return [(row[0], row[1]) for row in rows]


def create_cycle(
    db: Database, *, name: str, definition_id: int, opens_on: dt.date, closes_on: dt.date
) -> Cycle | str:
    """Returns the cycle or an error key."""
    name = name.strip()[:50]
    if not name:
        return "form.required"
    if closes_on < opens_on:
        return "admin.dates_order"
    with db.write() as s:
        if s.get(Definition, definition_id) is None:
            return "form.choose"
        if s.scalar(select(Cycle.id).where(Cycle.name == name)) is not None:
            return "admin.cycle_exists"
        cycle = Cycle(name=name, definition_id=definition_id, opens_on=opens_on, closes_on=closes_on)
        s.add(cycle)
    return cycle
