"""The ``hamscore`` command line: check, score, bulk, rank and schema.

Exit status: 0 when all is well, 1 when problems were found (each printed with its location),
2 on usage errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import msgspec

from hamscore.documents import Submission
from hamscore.model import Definition
from hamscore.problems import AnswerError, DefinitionError, Problem
from hamscore.questionnaire import Questionnaire, check, load

__all__ = ["main"]

OK, PROBLEMS, USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hamscore", description="Transparent business human-rights scoring.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("check", help="check questionnaire definitions and list every problem")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")

    p = sub.add_parser("score", help="score one answers file")
    p.add_argument("questionnaire", type=Path)
    p.add_argument("answers", type=Path, metavar="ANSWERS.json")
    p.add_argument("--mode", choices=["self", "verified"], default="self")
    p.add_argument("--lang", default=None, help="language of advice texts (default: the questionnaire's first)")
    p.add_argument("--format", choices=["json", "text"], default="json")

    p = sub.add_parser("bulk", help="score many submissions (Parquet, CSV or JSON lines)")
    p.add_argument("questionnaire", type=Path)
    p.add_argument("input", type=Path)
    p.add_argument("-o", "--output", type=Path, required=True)
    p.add_argument("--mode", choices=["self", "verified"], default="self")

    p = sub.add_parser("rank", help="rank scored submissions, highest risk first")
    p.add_argument("scored", type=Path)
    p.add_argument("-o", "--output", type=Path, required=True)

    p = sub.add_parser("schema", help="print the JSON Schema of definitions and answers")
    p.add_argument("--which", choices=["definition", "answers", "both"], default="both")
    return parser


def _print_problems(problems: Sequence[Problem], source: str, out: TextIO) -> None:
    for problem in problems:
        print(f"{source}: {problem}", file=out)


def _load(path: Path, err: TextIO) -> Questionnaire | None:
    try:
        return load(path)
    except DefinitionError as exc:
        _print_problems(exc.problems, str(path), err)
        return None


def _cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    status = OK
    for path in args.files:
        problems = check(path)
        _print_problems(problems, str(path), out)
        if any(p.is_error for p in problems):
            status = PROBLEMS
        else:
            q = load(path)
            n = len(q.questions)
            print(f"{path}: ok — {q.id} {q.version}, {len(q.indicators)} indicators, {n} questions, "
                  f"digest {q.digest[:12]}", file=out)
    return status


def _cmd_score(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    q = _load(args.questionnaire, err)
    if q is None:
        return PROBLEMS
    if args.lang is not None and args.lang not in q.languages:
        print(f"hamscore score: --lang must be one of {', '.join(q.languages)}", file=err)
        return USAGE
    try:
        doc: Any = msgspec.json.decode(args.answers.read_bytes())
    except OSError as exc:
        print(f"{args.answers}: cannot read the file: {exc.strerror}", file=err)
        return PROBLEMS
    except msgspec.DecodeError as exc:
        print(f"{args.answers}: not valid JSON: {exc}", file=err)
        return PROBLEMS
    try:
        assessment = q.score(doc, mode=args.mode, lang=args.lang)
    except AnswerError as exc:
        _print_problems(exc.problems, str(args.answers), err)
        return PROBLEMS
    warnings = [p for p in q.validate(doc) if not p.is_error]
    _print_problems(warnings, str(args.answers), err)
    if args.format == "json":
        out.write(msgspec.json.format(msgspec.json.encode(assessment)).decode() + "\n")
    else:
        out.write(q.explain(assessment, lang=args.lang) + "\n")
    return OK


def _cmd_bulk(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from hamscore import bulk  # polars is needed only here

    q = _load(args.questionnaire, err)
    if q is None:
        return PROBLEMS
    try:
        frame = bulk.read_frame(args.input, questionnaire=q)
        scored = bulk.score_frame(q, frame, mode=args.mode)
        bulk.write_frame(scored, args.output)
    except (OSError, ValueError) as exc:
        print(f"hamscore bulk: {exc}", file=err)
        return PROBLEMS
    invalid = scored.filter(~scored["valid"]).height
    print(f"{args.output}: {scored.height} submissions scored, {invalid} refused as invalid", file=out)
    return OK


def _cmd_rank(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from hamscore import bulk

    try:
        frame = bulk.read_frame(args.scored)
        ranked = bulk.rank_frame(frame)
        bulk.write_frame(ranked, args.output)
    except (OSError, ValueError) as exc:
        print(f"hamscore rank: {exc}", file=err)
        return PROBLEMS
    print(f"{args.output}: {ranked.height} submissions ranked", file=out)
    return OK


def _cmd_schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    schemas: dict[str, Any] = {}
    if args.which in ("definition", "both"):
        schemas["definition"] = msgspec.json.schema(Definition)
    if args.which in ("answers", "both"):
        schemas["answers"] = msgspec.json.schema(Submission)
    chosen = schemas if args.which == "both" else schemas[args.which]
    out.write(msgspec.json.format(msgspec.json.encode(chosen)).decode() + "\n")
    return OK


_COMMANDS = {"check": _cmd_check, "score": _cmd_score, "bulk": _cmd_bulk, "rank": _cmd_rank, "schema": _cmd_schema}


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the command line; returns the exit status.

    >>> import io
    >>> main(["schema", "--which", "answers"], out=io.StringIO())
    0
    """
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage error
        return int(exc.code) if isinstance(exc.code, int) else USAGE
    return _COMMANDS[args.command](args, out, err)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
