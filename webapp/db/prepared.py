"""Prepared statements: a Core statement compiled once per dialect and run on the driver's own cursor.

The hot paths (the session lookup on every request, the form's read and the autosave's write) run a few
indexed statements each. Through ``Connection.execute`` each of them costs 30 to 70 µs of Python (cache
key, execution context, parameter and result processing objects) around the few microseconds SQLite
takes: an autosave's five statements were a fifth of its time on the server (the session lookup: 40 µs
on an open connection, 15 µs prepared, 7 µs for the query alone). A ``Prepared`` statement keeps
what SQLAlchemy worked out once (the SQL text in the dialect's parameter style, the parameter order,
each parameter's and each result column's conversion from the column types, including ours such as
``UTCDateTime``) and does only the per-call part: convert the parameters, execute, convert the rows.

It runs on the connection of a ``Database.rows()`` or ``Database.transaction()`` block, so it takes part
in that block's transaction and locks exactly as ``Connection.execute`` would. Driver errors are raised
as SQLAlchemy's (``IntegrityError`` and the rest), with the parameters hidden, as the engine raises them.
Statements whose SQL depends on the values (an ``IN`` of a Python list, which SQLAlchemy renders per
execution) are refused when compiled: list the values as bound parameters instead. What they skip,
they skip for everyone: the engine's statement events (``before_cursor_execute`` and the rest) and its
``echo`` log do not see them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import exc
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import ClauseElement

__all__ = ["Prepared"]

_REQUIRED = object()


class _Compiled(NamedTuple):
    sql: str
    positional: bool
    names: tuple[str, ...]
    # (name, default value or _REQUIRED, conversion or None), in the order the driver wants them.
    parameters: tuple[tuple[str, Any, Callable[[Any], Any] | None], ...]
    # One conversion (or None) per result column; empty when no column needs one.
    columns: tuple[Callable[[Any], Any] | None, ...]


class Prepared:
    """A statement run on the driver's cursor, with SQLAlchemy's conversions but not its per-call work.

    ``row`` builds each result row from its values (a NamedTuple class, say); rows are tuples without it.

    >>> import sqlalchemy as sa
    >>> from webapp.db import Database
    >>> db = Database("sqlite://", checkpoint_seconds=0)
    >>> notes = sa.table("notes", sa.column("id", sa.Integer), sa.column("body", sa.JSON))
    >>> add = Prepared(notes.insert().values(id=sa.bindparam("id"), body=sa.bindparam("body", type_=sa.JSON)))
    >>> with db.transaction() as conn:
    ...     _ = conn.exec_driver_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, body JSON)")
    ...     add.run(conn, {"id": 1, "body": {"lang": "id"}})
    1
    >>> with db.rows() as conn:
    ...     Prepared(sa.select(notes.c.body).where(notes.c.id == sa.bindparam("id"))).first(conn, {"id": 1})
    ({'lang': 'id'},)
    >>> db.dispose()
    """

    def __init__(self, statement: ClauseElement, *, row: Callable[..., Any] | None = None) -> None:
        self.statement = statement
        self.row = row
        self._compiled: dict[tuple[str, str], _Compiled] = {}

    def run(self, connection: Connection, params: Mapping[str, Any]) -> int:
        """Execute and return the number of rows it changed (for INSERT, UPDATE, DELETE)."""
        _, cursor = self._execute(connection, params)
        try:
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def first(self, connection: Connection, params: Mapping[str, Any]) -> Any:
        """The first result row, or None."""
        compiled, cursor = self._execute(connection, params)
        try:
            values = cursor.fetchone()
        finally:
            cursor.close()
        return None if values is None else self._row(compiled, values)

    def scalar(self, connection: Connection, params: Mapping[str, Any]) -> Any:
        """The first column of the first result row, or None."""
        row = self.first(connection, params)
        return None if row is None else row[0]

    def all(self, connection: Connection, params: Mapping[str, Any]) -> list[Any]:
        """Every result row."""
        compiled, cursor = self._execute(connection, params)
        try:
            rows = cursor.fetchall()
        finally:
            cursor.close()
        return [self._row(compiled, values) for values in rows]

    def _row(self, compiled: _Compiled, values: Sequence[Any]) -> Any:
        if compiled.columns:
            values = [
                v if convert is None else convert(v)
                for convert, v in zip(compiled.columns, values, strict=True)
            ]
        return tuple(values) if self.row is None else self.row(*values)

    def _execute(self, connection: Connection, params: Mapping[str, Any]) -> tuple[_Compiled, Any]:
        """The statement as compiled for the connection's driver, and the driver's cursor it ran on."""
        dialect = connection.dialect
        compiled = self._compiled_for(dialect)
        values = []
        for name, default, convert in compiled.parameters:
            value = params.get(name, default)
            if value is _REQUIRED:
                raise exc.ArgumentError(f"the statement needs a value for the parameter {name!r}")
            values.append(value if convert is None else convert(value))
        arguments: Any = values if compiled.positional else dict(zip(compiled.names, values, strict=True))
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(compiled.sql, arguments)
        except dialect.loaded_dbapi.Error as error:
            cursor.close()
            raise exc.DBAPIError.instance(
                compiled.sql,
                arguments,
                error,
                dialect.loaded_dbapi.Error,
                hide_parameters=True,
                dialect=dialect,
            ) from error
        return compiled, cursor

    def _compiled_for(self, dialect: Dialect) -> _Compiled:
        # Per driver, not only per database: drivers of one database can differ in parameter style.
        key = (dialect.name, dialect.driver)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = _compile(self.statement, dialect)
        return compiled


def _compile(statement: ClauseElement, dialect: Dialect) -> _Compiled:
    compiled: Any = statement.compile(dialect=dialect)
    if compiled.post_compile_params or compiled.literal_execute_params:
        names = sorted(p.key for p in compiled.post_compile_params | compiled.literal_execute_params)
        raise exc.ArgumentError(
            f"a prepared statement's SQL cannot depend on its values (parameters {', '.join(names)}): "
            "list an IN's values as bound parameters"
        )
    binds = {name: bind for bind, name in compiled.bind_names.items()}
    names = compiled.positiontup if dialect.positional else list(binds)
    parameters = []
    for name in names:
        bind = binds[name]
        if bind.callable is not None:
            raise exc.ArgumentError(f"a prepared statement's parameter {name!r} has a callable default")
        default = _REQUIRED if bind.required else bind.value
        convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
        parameters.append((name, default, convert))
    columns: tuple[Callable[[Any], Any] | None, ...] = ()
    exported = getattr(statement, "exported_columns", ())
    if exported:
        columns = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in exported)
        if not any(columns):
            columns = ()
    return _Compiled(compiled.string, dialect.positional, tuple(names), tuple(parameters), columns)
