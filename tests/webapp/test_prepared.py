"""Prepared statements run on the driver's cursor, with SQLAlchemy's conversions: on SQLite and on
PostgreSQL they read and write exactly what ``Connection.execute`` reads and writes, take part in the
block's transaction, and fail as the engine fails."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import NamedTuple

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import ArgumentError, IntegrityError

from webapp.db import Database, Prepared
from webapp.db.models import UTCDateTime

metadata = sa.MetaData()
visits = sa.Table(
    "prepared_visits",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("company", sa.String(40), unique=True),
    sa.Column("seen_at", UTCDateTime),
    sa.Column("due_on", sa.Date),
    sa.Column("verified", sa.Boolean),
    sa.Column("notes", sa.JSON),
)

SEEN = dt.datetime(2026, 12, 2, 9, 30, 15, 250000, tzinfo=dt.UTC)
DUE = dt.date(2027, 1, 15)
NOTES = {"temuan": ["lembur tanpa upah", "APD kurang"], "skor": 0.5}

_BY_COMPANY = Prepared(
    sa.select(visits.c.id, visits.c.seen_at, visits.c.due_on, visits.c.verified, visits.c.notes).where(
        visits.c.company == sa.bindparam("company")
    )
)
_ADD = Prepared(
    visits.insert().values(
        company=sa.bindparam("company"),
        seen_at=sa.bindparam("seen_at", type_=UTCDateTime),
        due_on=sa.bindparam("due_on", type_=sa.Date),
        verified=sa.bindparam("verified", type_=sa.Boolean),
        notes=sa.bindparam("notes", type_=sa.JSON),
    )
)
_VERIFY = Prepared(
    visits.update()
    .where(visits.c.company == sa.bindparam("which"), visits.c.verified == sa.false())
    .values(verified=True, seen_at=sa.bindparam("moment", type_=UTCDateTime))
    .returning(visits.c.id, visits.c.seen_at)
)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url, checkpoint_seconds=0)
    metadata.create_all(database.engine)
    yield database
    metadata.drop_all(database.engine)
    database.dispose()


def _add(db: Database, company: str, **values: object) -> None:
    with db.transaction() as conn:
        params = {"company": company, "seen_at": SEEN, "due_on": DUE, "verified": False, "notes": NOTES}
        assert _ADD.run(conn, {**params, **values}) == 1


def test_a_prepared_read_converts_every_column_as_the_engine_does(db: Database) -> None:
    _add(db, "PT Sumber Makmur")
    with db.rows() as conn:
        prepared = _BY_COMPANY.first(conn, {"company": "PT Sumber Makmur"})
        engine = conn.execute(_BY_COMPANY.statement, {"company": "PT Sumber Makmur"}).first()
    assert prepared == tuple(engine)
    assert prepared[1:] == (SEEN, DUE, False, NOTES)
    assert prepared[1].tzinfo is not None  # UTCDateTime's own conversion ran
    assert prepared[3] is False  # a boolean, not SQLite's 0


def test_no_row_is_none_and_all_rows_come_in_a_list(db: Database) -> None:
    _add(db, "PT Sumber Makmur")
    with db.rows() as conn:
        assert _BY_COMPANY.first(conn, {"company": "PT Cahaya Lain"}) is None
        assert _BY_COMPANY.scalar(conn, {"company": "PT Cahaya Lain"}) is None
        assert len(_BY_COMPANY.all(conn, {"company": "PT Sumber Makmur"})) == 1


def test_rows_can_be_named_tuples(db: Database) -> None:
    class Visit(NamedTuple):
        id: int
        seen_at: dt.datetime
        due_on: dt.date
        verified: bool
        notes: dict[str, object]

    _add(db, "PT Sumber Makmur")
    named = Prepared(_BY_COMPANY.statement, row=Visit)
    with db.rows() as conn:
        (visit,) = named.all(conn, {"company": "PT Sumber Makmur"})
    assert isinstance(visit, Visit)
    assert (visit.due_on, visit.notes) == (DUE, NOTES)


def test_a_prepared_update_returns_its_rows_and_counts_only_what_matched(db: Database) -> None:
    _add(db, "PT Sumber Makmur")
    later = SEEN + dt.timedelta(days=3)
    with db.transaction() as conn:
        assert _VERIFY.first(conn, {"which": "PT Sumber Makmur", "moment": later})[1] == later
    with db.transaction() as conn:
        # Verified already: the guard matches nothing the second time.
        assert _VERIFY.first(conn, {"which": "PT Sumber Makmur", "moment": later}) is None
    with db.rows() as conn:
        assert conn.execute(sa.select(visits.c.verified, visits.c.seen_at)).one() == (True, later)


def test_a_prepared_write_is_part_of_the_blocks_transaction(db: Database) -> None:
    def write_then_fail() -> None:
        with db.transaction() as conn:
            params = {
                "company": "PT Sumber Makmur",
                "seen_at": SEEN,
                "due_on": DUE,
                "verified": False,
                "notes": {},
            }
            _ADD.run(conn, params)
            raise RuntimeError("the request failed after the write")

    with pytest.raises(RuntimeError):
        write_then_fail()
    with db.rows() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(visits)).scalar() == 0


def test_a_driver_error_is_sqlalchemys_with_the_values_hidden(db: Database) -> None:
    _add(db, "PT Sumber Makmur")
    with pytest.raises(IntegrityError) as raised, db.transaction() as conn:
        _ADD.run(
            conn,
            {
                "company": "PT Sumber Makmur",
                "seen_at": SEEN,
                "due_on": DUE,
                "verified": True,
                "notes": {"rahasia": "x"},
            },
        )
    assert "rahasia" not in str(raised.value)
    assert "prepared_visits" in str(raised.value)  # the statement is named, its values are not


def test_a_missing_parameter_is_refused_by_name_before_anything_runs(db: Database) -> None:
    with pytest.raises(ArgumentError, match="'company'"), db.rows() as conn:
        _BY_COMPANY.first(conn, {"compnay": "PT Sumber Makmur"})


def test_an_in_of_a_python_list_is_refused_with_what_to_do_instead(db: Database) -> None:
    listed = Prepared(sa.select(visits.c.id).where(visits.c.company.in_(["PT A", "PT B"])))
    with pytest.raises(ArgumentError, match="bound parameters"), db.rows() as conn:
        listed.all(conn, {})
    bound = Prepared(
        sa.select(visits.c.id).where(visits.c.company.in_([sa.literal("PT A"), sa.literal("PT B")]))
    )
    _add(db, "PT B")
    with db.rows() as conn:
        assert len(bound.all(conn, {})) == 1
