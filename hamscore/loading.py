"""Reading a definition: bytes, text or a path, TOML or JSON, into checked Structs.

The loader reads only what it is given. Structure is decoded one indicator and one question at a
time, so a broken question does not hide the problems of the others: every problem is reported at
once.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, TypeAlias

import msgspec

from hamscore.model import QUESTION_TYPES, Definition, Indicator, Question
from hamscore.problems import Code, Problem

__all__ = ["Skipped", "Source", "decode_definition", "read_source"]

Source: TypeAlias = "bytes | str | os.PathLike[str]"

_MSGSPEC_PATH = re.compile(r"^(?P<msg>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)


def _looks_like_path(text: str) -> bool:
    # A one-line string ending in .toml or .json can never be a valid definition, so it is a path.
    return "\n" not in text and text.strip().lower().endswith((".toml", ".json"))


def read_source(source: Source) -> tuple[Any, str | None, list[Problem]]:
    """Decode ``source`` into plain data; returns (data, name of the source, problems)."""
    name: str | None = None
    fmt: str | None = None
    if isinstance(source, str) and _looks_like_path(source):
        source = Path(source)
    if isinstance(source, os.PathLike):
        path = Path(source)
        name = str(path)
        fmt = {".json": "json", ".toml": "toml"}.get(path.suffix.lower())
        try:
            data: bytes | str = path.read_bytes()
        except OSError as exc:
            return None, name, [_parse_problem(f"cannot read the file: {exc.strerror}", "check the path")]
    elif isinstance(source, bytes | str):
        data = source
    else:
        hint = "pass the file's bytes, its text, or a pathlib.Path"
        return None, None, [_parse_problem(f"cannot load a {type(source).__name__}", hint)]
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return None, name, [_parse_problem(f"not UTF-8 text: {exc.reason} at byte {exc.start}", "save it as UTF-8")]
    if fmt is None:
        fmt = "json" if data.lstrip().startswith("{") else "toml"
    try:
        raw = msgspec.json.decode(data) if fmt == "json" else tomllib.loads(data)
    except (msgspec.DecodeError, tomllib.TOMLDecodeError) as exc:
        return None, name, [_parse_problem(f"not valid {fmt.upper()}: {exc}", f"fix the {fmt.upper()} syntax")]
    return raw, name, []


def _parse_problem(message: str, hint: str) -> Problem:
    return Problem(code=Code.PARSE_ERROR, location="", message=message, hint=hint)


def _schema_problem(exc: msgspec.ValidationError, prefix: str) -> Problem:
    m = _MSGSPEC_PATH.match(str(exc))
    msg = m.group("msg") if m else str(exc)
    path = (m.group("path") if m else "") or ""
    location = (prefix + path).lstrip(".")
    hint = "see the field list in docs/methodology.md"
    if "unknown field" in msg:
        hint = "remove the field or correct its spelling"
    elif "missing required field" in msg:
        hint = "add the field"
    elif msg.startswith("Expected"):
        hint = "give the field a value of the expected type"
    return Problem(code=Code.SCHEMA_ERROR, location=location, message=msg, hint=hint)


# Fields that belong to other kinds of question. A separate code from SCHEMA_ERROR, because
# "options on a number question" is a modelling mistake worth its own explanation.
_KIND_FIELDS = {"options": ("single", "multi"), "bands": ("number",), "max_points": ("multi",)}


_INDEXED = re.compile(r"indicators\[(\d+)\](?:\.questions\[(\d+)\])?")


class Skipped:
    """What decoding left out of the Definition, so that later checks speak of the file as written.

    Broken questions and indicators are dropped from the Definition, which shifts the positions
    the checks see. ``ids`` names the dropped questions (a condition naming one is not also an
    unknown reference); :meth:`relocate` turns positions in the Definition back into positions
    in the file, and drops "no question" for an indicator whose questions were all broken.
    """

    def __init__(self) -> None:
        self.ids: set[str] = set()
        # For each kept indicator: its index in the file and the file indexes of its kept questions.
        self.positions: list[tuple[int, list[int]]] = []
        self.emptied: set[int] = set()

    def _in_file(self, m: re.Match[str]) -> str:
        i = int(m.group(1))
        if i >= len(self.positions):
            return m.group(0)
        file_i, questions = self.positions[i]
        where = f"indicators[{file_i}]"
        if m.group(2) is not None:
            j = int(m.group(2))
            where += f".questions[{questions[j] if j < len(questions) else j}]"
        return where

    def relocate(self, problems: list[Problem]) -> list[Problem]:
        out: list[Problem] = []
        for p in problems:
            location = _INDEXED.sub(self._in_file, p.location, count=1)
            m = _INDEXED.match(location)
            if p.code is Code.EMPTY_INDICATOR and m is not None and int(m.group(1)) in self.emptied:
                continue  # its questions were reported as broken already
            message = _INDEXED.sub(self._in_file, p.message)
            if location != p.location or message != p.message:
                p = msgspec.structs.replace(p, location=location, message=message)
            out.append(p)
        return out


def decode_definition(raw: Any) -> tuple[Definition | None, list[Problem], Skipped]:
    """Convert plain data into a :class:`Definition`, collecting every structural problem.

    Returns the definition (with broken questions and indicators left out, or ``None`` when the
    top level itself is broken), the problems, and what was left out (see :class:`Skipped`).
    """
    problems: list[Problem] = []
    skipped = Skipped()
    broken_ids = skipped.ids
    if not isinstance(raw, dict):
        problems.append(
            Problem(code=Code.SCHEMA_ERROR, location="", message="a definition must be a table/object",
                    hint="start from the example in docs/methodology.md")
        )
        return None, problems, skipped
    indicators_raw = raw.get("indicators", [])
    if not isinstance(indicators_raw, list):
        problems.append(
            Problem(code=Code.SCHEMA_ERROR, location="indicators", message="Expected `array`",
                    hint="write indicators as [[indicators]] tables")
        )
        indicators_raw = []
    indicators: list[Indicator] = []
    for i, ind_raw in enumerate(indicators_raw):
        kept: list[int] = []
        ind = _decode_indicator(ind_raw, f"indicators[{i}]", problems, broken_ids, kept)
        if ind is not None:
            indicators.append(ind)
            skipped.positions.append((i, kept))
            if not kept and isinstance(ind_raw, dict) and ind_raw.get("questions"):
                skipped.emptied.add(i)
    header = {k: v for k, v in raw.items() if k != "indicators"}
    header["indicators"] = []
    try:
        shell = msgspec.convert(header, Definition)
    except msgspec.ValidationError as exc:
        problems.append(_schema_problem(exc, ""))
        return None, problems, skipped
    if "indicators" not in raw:
        problems.append(
            Problem(code=Code.SCHEMA_ERROR, location="", message="Object missing required field `indicators`",
                    hint="add the field")
        )
    definition = msgspec.structs.replace(shell, indicators=tuple(indicators))
    return definition, problems, skipped


def _decode_indicator(raw: Any, loc: str, problems: list[Problem], broken: set[str],
                      kept: list[int]) -> Indicator | None:
    if not isinstance(raw, dict):
        problems.append(Problem(code=Code.SCHEMA_ERROR, location=loc, message="Expected `object`",
                                hint="write each indicator as an [[indicators]] table"))
        return None
    questions_raw = raw.get("questions", [])
    questions: list[Question] = []
    if isinstance(questions_raw, list):
        for j, q_raw in enumerate(questions_raw):
            q = _decode_question(q_raw, f"{loc}.questions[{j}]", problems)
            if q is not None:
                questions.append(q)
                kept.append(j)
            elif isinstance(q_raw, dict) and isinstance(q_raw.get("id"), str):
                broken.add(q_raw["id"])
    else:
        problems.append(Problem(code=Code.SCHEMA_ERROR, location=f"{loc}.questions", message="Expected `array`",
                                hint="write questions as [[indicators.questions]] tables"))
    shell_raw = {k: v for k, v in raw.items() if k != "questions"}
    shell_raw["questions"] = []
    try:
        shell = msgspec.convert(shell_raw, Indicator)
    except msgspec.ValidationError as exc:
        problems.append(_schema_problem(exc, loc))
        return None
    return msgspec.structs.replace(shell, questions=tuple(questions))


def _decode_question(raw: Any, loc: str, problems: list[Problem]) -> Question | None:
    if not isinstance(raw, dict):
        problems.append(Problem(code=Code.SCHEMA_ERROR, location=loc, message="Expected `object`",
                                hint="write each question as an [[indicators.questions]] table"))
        return None
    kind = raw.get("type")
    if kind not in QUESTION_TYPES:
        problems.append(
            Problem(code=Code.SCHEMA_ERROR, location=f"{loc}.type",
                    message=f"unknown question type {kind!r}" if kind is not None else "question has no type",
                    hint="use one of: " + ", ".join(QUESTION_TYPES))
        )
        return None
    cleaned = dict(raw)
    for field, kinds in _KIND_FIELDS.items():
        if field in cleaned and kind not in kinds:
            del cleaned[field]
            problems.append(
                Problem(code=Code.FIELD_ON_WRONG_TYPE, location=f"{loc}.{field}",
                        message=f"a {kind} question has no {field}",
                        hint=f"{field} belong to {' and '.join(kinds)} questions; remove them or change the type")
            )
    try:
        return msgspec.convert(cleaned, QUESTION_TYPES[kind])
    except msgspec.ValidationError as exc:
        problems.append(_schema_problem(exc, loc))
        return None
