"""The assessment journey: cycles, the company's draft, saving answers, submitting, results.

Every function takes the company from the session and filters by it in the query itself, so an id sent
by the browser can only ever reach that company's own records. Scoring is done by ``hamscore``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import msgspec
from sqlalchemy import Text, bindparam, cast, insert, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from webapp.assessments.definitions import Registry, question_type
from webapp.assessments.formcache import CachedForm, FormCache
from webapp.db import Database, Prepared
from webapp.db.models import Answer, Company, Cycle, Evidence, Snapshot, Submission, User
from webapp.web import NotFound, now

__all__ = [
    "FormState",
    "SaveResult",
    "Saved",
    "cycles_for_company",
    "form_state",
    "parse_answer",
    "profile_of",
    "progress_change",
    "save_answer",
    "start_submission",
    "submit",
]

EDITABLE = ("draft", "returned")
TEXT_LIMIT = 5000


def profile_of(company: Company) -> dict[str, Any]:
    profile: dict[str, Any] = {
        "size": company.size,
        "sector": company.sector,
        "employees": company.employees,
        "province": company.province,
    }
    if company.regency:
        profile["regency"] = company.regency
    return profile


def today() -> dt.date:
    return now().date()


def cycle_is_open(cycle: Cycle | FormCycle) -> bool:
    return cycle.opens_on <= today() <= cycle.closes_on


@dataclass
class CycleRow:
    cycle: Cycle
    submission: Submission | None
    open: bool


def cycles_for_company(db: Database, company_id: int) -> list[CycleRow]:
    with db.read() as s:
        cycles = list(s.scalars(select(Cycle).order_by(Cycle.opens_on.desc())))
        subs = {
            sub.cycle_id: sub
            for sub in s.scalars(select(Submission).where(Submission.company_id == company_id))
        }
    return [CycleRow(c, subs.get(c.id), cycle_is_open(c)) for c in cycles]


def start_submission(db: Database, company_id: int, cycle_id: int) -> Submission:
    """The company's submission for an open cycle, created on first use (idempotent)."""
    with db.write() as s:
        cycle = s.get(Cycle, cycle_id)
        if cycle is None:
            raise NotFound
        found = s.scalar(
            select(Submission).where(Submission.company_id == company_id, Submission.cycle_id == cycle_id)
        )
        if found is not None:
            return found
        if not cycle_is_open(cycle):
            raise NotFound
        sub = Submission(company_id=company_id, cycle_id=cycle_id)
        s.add(sub)
        try:
            s.flush()
        except IntegrityError:
            s.rollback()
            found = None
        else:
            return sub
    with db.read() as s:
        found = s.scalar(
            select(Submission).where(Submission.company_id == company_id, Submission.cycle_id == cycle_id)
        )
    if found is None:
        raise NotFound
    return found


def load_submission(db: Database, submission_id: int, company_id: int) -> tuple[Submission, Cycle]:
    with db.read() as s:
        row = s.execute(
            select(Submission, Cycle)
            .join(Cycle, Cycle.id == Submission.cycle_id)
            .where(Submission.id == submission_id, Submission.company_id == company_id)
        ).first()
    if row is None:
        raise NotFound
    return row[0], row[1]


@dataclass
class IndicatorProgress:
    id: str
    title: Any
    answered: int
    required: int

    @property
    def fraction(self) -> float:
        return 1.0 if self.required == 0 else self.answered / self.required


@dataclass
class FormState:
    """Everything the form needs: the definition, stored answers, what applies now, progress.

    Answers and evidence are read-only rows carrying the columns the form uses (an answer's ``value``,
    ``version`` and ``updated_by``; a file's ``id``, ``filename``, ``size``, ``status``, ``reused_from``).
    """

    questionnaire: Any
    company: Company
    submission: FormSubmission
    cycle: FormCycle
    answers: dict[str, StoredAnswer]
    evidence: dict[str, list[Any]]
    applicable: frozenset[str]
    indicators: list[IndicatorProgress]
    completeness: float
    editors: dict[int, str] = field(default_factory=dict)
    previous_evidence: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def editable(self) -> bool:
        return self.submission.status in EDITABLE and cycle_is_open(self.cycle)

    def document(self) -> dict[str, Any]:
        return build_document(self.questionnaire, self.company, self.answers, self.evidence)

    def visible_indicators(self) -> list[Any]:
        shown = {p.id for p in self.indicators}
        return [ind for ind in self.questionnaire.indicators if ind.id in shown]

    def indicator(self, indicator_id: str) -> Any:
        for ind in self.visible_indicators():
            if ind.id == indicator_id:
                return ind
        raise NotFound

    def value(self, question_id: str) -> Any:
        answer = self.answers.get(question_id)
        return None if answer is None else answer.value

    def version(self, question_id: str) -> int:
        answer = self.answers.get(question_id)
        return 0 if answer is None else answer.version


def evidence_status(files: list[Any]) -> str | None:
    statuses = {f.status for f in files}
    for status in ("verified", "provided", "rejected"):
        if status in statuses:
            return status
    return None


def build_document(
    q: Any, company: Company, answers: dict[str, Any], evidence: dict[str, list[Any]]
) -> dict[str, Any]:
    doc_evidence = {qid: status for qid, files in evidence.items() if (status := evidence_status(files))}
    return {
        "questionnaire": q.id,
        "version": q.version,
        "profile": profile_of(company),
        "answers": {qid: a.value for qid, a in answers.items() if a.value is not None},
        "evidence": doc_evidence,
    }


def progress(q: Any, applicable: frozenset[str], answered: set[str]) -> list[IndicatorProgress]:
    """Per applicable indicator: answered / applicable required questions (what completeness counts)."""
    rows = []
    for ind_id, title, ids, required in _sections(q):
        if applicable.isdisjoint(ids):
            continue
        shown = required & applicable
        rows.append(IndicatorProgress(ind_id, title, len(shown & answered), len(shown)))
    return rows


@functools.lru_cache(maxsize=64)
def _sections(q: Any) -> tuple[tuple[str, Any, frozenset[str], frozenset[str]], ...]:
    """Each indicator's id, title, question ids and required question ids, worked out once per loaded
    questionnaire: the form's progress is counted on every view and every autosave, with set operations."""
    return tuple(
        (
            ind.id,
            ind.title,
            frozenset(question.id for question in ind.questions),
            frozenset(question.id for question in ind.questions if question.required),
        )
        for ind in q.indicators
    )


class FormSubmission(NamedTuple):
    """The columns of a submission the form reads."""

    id: int
    company_id: int
    cycle_id: int
    status: str
    round: int
    revision: int


class FormCycle(NamedTuple):
    """The columns of a cycle the form reads."""

    id: int
    name: str
    definition_id: int
    opens_on: dt.date
    closes_on: dt.date


class StoredAnswer(NamedTuple):
    """One stored answer as the form reads it; ``editor`` is the name of the user who saved it last."""

    question: str
    value: Any
    version: int
    updated_by: int | None
    editor: str | None = None


# The form's queries are prepared once and return plain rows on a plain connection (see Database.rows and
# webapp.db.prepared): building a statement and its cache key, or an ORM object per row, costs more Python
# than SQLite takes to run them, and the form is read on every section view and every autosave.
_PREVIOUS = aliased(Submission)
_PREVIOUS_CYCLE = aliased(Cycle)
# The submission's and its cycle's columns (FormSubmission, FormCycle), in their order.
_HEAD_COLUMNS = (
    Submission.id,
    Submission.company_id,
    Submission.cycle_id,
    Submission.status,
    Submission.round,
    Submission.revision,
    Cycle.id,
    Cycle.name,
    Cycle.definition_id,
    Cycle.opens_on,
    Cycle.closes_on,
)
_FORM_HEAD_SELECT = (
    select(
        *_HEAD_COLUMNS,
        # The company's submission in the latest cycle that opened before this one (see previous_submission).
        select(_PREVIOUS.id)
        .join(_PREVIOUS_CYCLE, _PREVIOUS_CYCLE.id == _PREVIOUS.cycle_id)
        .where(_PREVIOUS.company_id == Submission.company_id, _PREVIOUS_CYCLE.opens_on < Cycle.opens_on)
        .order_by(_PREVIOUS_CYCLE.opens_on.desc())
        .limit(1)
        .correlate(Submission, Cycle)
        .scalar_subquery(),
    )
    .join(Cycle, Cycle.id == Submission.cycle_id)
    .where(Submission.id == bindparam("submission_id"), Submission.company_id == bindparam("company_id"))
)
_FORM_HEAD = Prepared(_FORM_HEAD_SELECT)
# The answers written after revision ``since`` (all of them from -1; see formcache). An answer's value is
# read as its JSON text and decoded by msgspec: a form can hold a hundred answers, and the JSON type's
# decoder (the standard library's, called once per row) was a fifth of an autosave.
_FORM_ANSWERS = Prepared(
    select(
        Answer.question,
        cast(Answer.value, Text).label("value"),
        Answer.version,
        Answer.updated_by,
        User.name.label("editor"),
    )
    .outerjoin(User, User.id == Answer.updated_by)
    .where(Answer.submission_id == bindparam("submission_id"), Answer.revision > bindparam("since"))
)


class FormEvidence(NamedTuple):
    """One evidence file as the form lists it."""

    id: int
    submission_id: int
    question: str
    filename: str
    size: int
    status: str
    reused_from: int | None


_FORM_EVIDENCE = Prepared(
    select(
        Evidence.id,
        Evidence.submission_id,
        Evidence.question,
        Evidence.filename,
        Evidence.size,
        Evidence.status,
        Evidence.reused_from,
    )
    .where(
        # Two fixed parameters (the previous submission's id repeats this one's when there is none),
        # not an expanding IN, whose SQL is rendered again on every execution.
        Evidence.submission_id.in_([bindparam("submission_id"), bindparam("previous_id")]),
        Evidence.company_id == bindparam("company_id"),
    )
    .order_by(Evidence.id),
    row=FormEvidence,
)


def form_state(
    db: Database, registry: Registry, *, company: Company, submission_id: int, cache: FormCache | None = None
) -> FormState:
    """The company's form: the submission with its cycle and previous submission, the answers with their
    editors (only those written since ``cache`` last saw the form), and the evidence of both submissions."""
    with db.rows() as conn:
        return _read_form(
            conn, registry, _FORM_HEAD, company=company, submission_id=submission_id, cache=cache
        )


def _read_form(
    conn: Any,
    registry: Registry,
    head: Prepared,
    *,
    company: Company,
    submission_id: int,
    cache: FormCache | None = None,
) -> FormState:
    """The form as read on ``conn``, derived (see ``derive``). With ``cache``, the answers and what follows
    from them come from the worker's last read of this form, brought up to the submission's revision."""
    row = head.first(conn, {"submission_id": submission_id, "company_id": company.id})
    if row is None:
        raise NotFound
    submission, cycle, previous_id = FormSubmission(*row[:6]), FormCycle(*row[6:11]), row[11]
    questionnaire = registry.get(cycle.definition_id)
    profile = profile_of(company)
    known = None if cache is None else cache.get(submission.id)
    if known is not None and (
        known.definition_id != cycle.definition_id
        or known.profile != profile
        or known.revision > submission.revision  # a restored database: start again
    ):
        known = None
    answers: dict[str, StoredAnswer] = {} if known is None else known.answers  # type: ignore[assignment]
    editors: dict[int, str] = {} if known is None else known.editors  # type: ignore[assignment]
    changed: list[str] = []
    if known is None or known.revision < submission.revision:
        since = -1 if known is None else known.revision
        rows = _FORM_ANSWERS.all(conn, {"submission_id": submission.id, "since": since})
        if known is not None:
            answers, editors = dict(answers), dict(editors)  # the cached ones are shared: never changed
        decode = msgspec.json.decode
        for question, value, version, updated_by, editor in rows:
            answers[question] = StoredAnswer(
                question, None if value is None else decode(value), version, updated_by, editor
            )
            changed.append(question)
            if editor is not None:
                editors[updated_by] = editor
    evidence: dict[str, list[Any]] = {}
    previous_evidence: dict[str, list[Any]] = {}
    params = {
        "submission_id": submission.id,
        "previous_id": submission.id if previous_id is None else previous_id,
        "company_id": company.id,
    }
    for ev in _FORM_EVIDENCE.all(conn, params):
        into = evidence if ev.submission_id == submission.id else previous_evidence
        into.setdefault(ev.question, []).append(ev)
    state = FormState(
        questionnaire=questionnaire,
        company=company,
        submission=submission,
        cycle=cycle,
        answers=answers,
        evidence=evidence,
        applicable=frozenset(),
        indicators=[],
        completeness=0.0,
        editors=editors,
        previous_evidence=previous_evidence,
    )
    if known is not None and not changed:
        state.applicable = known.applicable
        state.indicators = list(known.indicators)
        state.completeness = known.completeness
    else:
        same = known is not None and not any(questionnaire.affects_applicability(qid) for qid in changed)
        derive(state, applicable=known.applicable if same else None)  # type: ignore[union-attr]
    if cache is not None and (known is None or known.revision != submission.revision):
        cache.put(submission.id, _cached(state, submission.revision))
    return state


def _cached(state: FormState, revision: int) -> CachedForm:
    return CachedForm(
        revision=revision,
        definition_id=state.cycle.definition_id,
        profile=profile_of(state.company),
        answers=state.answers,
        editors=state.editors,
        applicable=state.applicable,
        indicators=tuple(state.indicators),
        completeness=state.completeness,
    )


def derive(state: FormState, *, applicable: frozenset[str] | None = None) -> FormState:
    """Fill in what follows from the answers: applicable questions, progress, completeness.
    ``applicable`` is given when it is known to be unchanged (see ``with_answer``)."""
    q = state.questionnaire
    state.applicable = q.applicable(state.document()) if applicable is None else applicable
    answered = {
        qid for qid, answer in state.answers.items() if answer.value is not None and answer.value != ""
    }
    state.indicators = progress(q, state.applicable, answered)
    required = sum(r.required for r in state.indicators)
    state.completeness = 1.0 if required == 0 else sum(r.answered for r in state.indicators) / required
    return state


def with_answer(state: FormState, answer: StoredAnswer, *, editor: Any = None) -> FormState:
    """The state after ``answer`` was stored (no database round trip). What applies is worked out again
    only when some condition reads this question."""
    answers = {**state.answers, answer.question: answer}
    editors = dict(state.editors)
    if editor is not None:
        editors[editor.id] = editor.name
    same = None if state.questionnaire.affects_applicability(answer.question) else state.applicable
    return derive(dataclasses.replace(state, answers=answers, editors=editors), applicable=same)


@dataclass(frozen=True)
class ProgressChange:
    """What an answer changed in the section list: whether sections appeared or went, the sections whose
    progress moved, and whether the overall completeness moved."""

    sections_changed: bool
    moved: list[IndicatorProgress]
    completeness_changed: bool


def progress_change(before: FormState, after: FormState) -> ProgressChange:
    old = {p.id: (p.answered, p.required) for p in before.indicators}
    return ProgressChange(
        sections_changed=list(old) != [p.id for p in after.indicators],
        moved=[p for p in after.indicators if old.get(p.id) != (p.answered, p.required)],
        completeness_changed=before.completeness != after.completeness,
    )


def _is_answered(value: Any) -> bool:
    return value is not None and value != ""


def previous_submission(s: Any, *, company_id: int, cycle: Cycle) -> Submission | None:
    """The company's submission in the latest cycle that opened before ``cycle``."""
    return s.scalar(
        select(Submission)
        .join(Cycle, Cycle.id == Submission.cycle_id)
        .where(Submission.company_id == company_id, Cycle.opens_on < cycle.opens_on)
        .order_by(Cycle.opens_on.desc())
        .limit(1)
    )


class AnswerInputError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def parse_answer(question: Any, data: dict[str, Any]) -> Any:
    """Turn the question's form fields into an answer value (None = cleared), or raise AnswerInputError."""
    raw = data.get("value")
    values = raw if isinstance(raw, list) else ([] if raw is None else [raw])
    values = [str(v) for v in values]
    if str(data.get("na", "")) == "1" or values == ["na"]:
        return "na"
    kind = question_type(question)
    if kind == "multi":
        return [v for v in values if v]
    first = values[0].strip() if values else ""
    if kind == "single":
        return first or None
    if not first:
        return None
    if kind == "number":
        try:
            number = float(first.replace(",", "."))
        except ValueError:
            raise AnswerInputError("answer.not_a_number") from None
        if not math.isfinite(number):
            raise AnswerInputError("answer.not_a_number")
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if kind == "date":
        try:
            return dt.date.fromisoformat(first).isoformat()
        except ValueError:
            raise AnswerInputError("answer.not_a_date") from None
    return values[0][:TEXT_LIMIT]


@dataclass
class SaveResult:
    # "saved", "conflict", "invalid" or "closed".
    outcome: str
    question: Any = None
    answer: StoredAnswer | None = None
    sent: Any = None
    problems: list[str] = field(default_factory=list)
    editor: str | None = None


def find_question(q: Any, question_id: str) -> Any:
    for ind in q.indicators:
        for question in ind.questions:
            if question.id == question_id:
                return question
    raise NotFound


# Submit reads the form with the submission's row locked on PostgreSQL (FOR UPDATE), and an autosave's
# write locks it by its claim (_CLAIM, an UPDATE): a submit then waits for a save in flight and the other
# way round, and whichever waited sees what the other committed. (SQLite's write transactions are
# serialised already; FOR UPDATE is not emitted there.)
_SAVE_HEAD = Prepared(_FORM_HEAD_SELECT.with_for_update(of=Submission))
_OPEN_CYCLES = select(Cycle.id).where(
    Cycle.opens_on <= bindparam("today"), Cycle.closes_on >= bindparam("today")
)
_CLAIM = Prepared(
    update(Submission)
    .where(
        # (Parameter names other than the columns': an UPDATE reserves those for its SET clause.)
        Submission.id == bindparam("claimed_id"),
        Submission.company_id == bindparam("claimed_company"),
        # The statuses as bound values, not a Python list: SQLAlchemy renders an IN of a list per execution.
        Submission.status.in_([literal(status) for status in EDITABLE]),
        Submission.cycle_id.in_(_OPEN_CYCLES),
    )
    .values(revision=Submission.revision + 1)
    .returning(Submission.revision)
)
_INSERT_ANSWER = insert(Answer)
_UPDATE_ANSWER = Prepared(
    update(Answer)
    .where(
        Answer.submission_id == bindparam("submission"),
        Answer.question == bindparam("question_id"),
        Answer.version == bindparam("current_version"),
    )
    .values(
        value=bindparam("new_value", type_=Answer.__table__.c.value.type),
        version=bindparam("new_version"),
        updated_by=bindparam("user_id"),
        updated_at=bindparam("moment", type_=Answer.__table__.c.updated_at.type),
        revision=bindparam("revision"),
    )
)


# The library's problem codes, as the form's catalogue says them to the company.
_PROBLEM_KEYS = {"UNKNOWN_OPTION": "answer.not_an_option", "NA_NOT_ALLOWED": "answer.na_not_allowed"}


class Saved(NamedTuple):
    """An autosave's outcome: the form before and after it (the same when nothing was stored)."""

    before: FormState
    after: FormState
    result: SaveResult


def save_answer(
    db: Database,
    registry: Registry,
    *,
    company: Company,
    user: User,
    submission_id: int,
    question_id: str,
    data: dict[str, Any],
    cache: FormCache | None = None,
) -> Saved:
    """Save one answer if the client's ``version`` is the stored one; otherwise report a conflict.

    Re-sending the value that is already stored is a success whatever the version, so a retry after a
    lost response does not show a false conflict.

    The form is read and the answer checked before the write transaction starts. The write then claims
    the submission (``_CLAIM``: still open, moved one revision on; on PostgreSQL this locks its row) and
    stores the answer if it is still at the version read. So the write lock is held for two statements
    and the commit, not for the form's read and the library's checks: every other writer waits for it,
    and with several workers on one SQLite file, every other worker. A save whose outcome is anything but
    a plain write (closed, conflict), or that finds the form closed or the answer changed since its read,
    is decided again with the form read inside its write transaction (``_save_locked``).
    """
    before = form_state(db, registry, company=company, submission_id=submission_id, cache=cache)
    question = find_question(before.questionnaire, question_id)
    try:
        value = parse_answer(question, data)
    except AnswerInputError as error:
        return Saved(before, before, SaveResult("invalid", question=question, problems=[error.key]))
    if value is not None:
        problem = before.questionnaire.check_answer(question_id, value)
        if problem is not None:
            key = _PROBLEM_KEYS.get(problem.code.value, "answer.not_acceptable")
            return Saved(before, before, SaveResult("invalid", question=question, sent=value, problems=[key]))
    stored = before.answers.get(question_id)
    if before.editable and stored is not None and stored.value == value:
        return Saved(before, before, SaveResult("saved", question=question, answer=stored))
    if before.editable and _sent_version(data) == _version(stored):
        try:
            with db.transaction() as conn:
                revision = _claim(conn, before)
                if revision is None or not _write_answer(
                    conn, before, user, question, value, stored, revision
                ):
                    raise _Changed  # rolls the claim back
                return _saved(before, _saved_answer(question, value, stored, user), user, cache, revision)
        except (_Changed, IntegrityError):
            pass  # closed, or a colleague saved this answer since the read: decided again below
    return _save_locked(
        db,
        registry,
        company=company,
        user=user,
        submission_id=submission_id,
        question=question,
        value=value,
        data=data,
        cache=cache,
    )


def _save_locked(
    db: Database,
    registry: Registry,
    *,
    company: Company,
    user: User,
    submission_id: int,
    question: Any,
    value: Any,
    data: dict[str, Any],
    cache: FormCache | None,
) -> Saved:
    """The save decided inside one write transaction, the form read under its lock."""
    try:
        with db.transaction() as conn:
            before = _read_form(
                conn, registry, _SAVE_HEAD, company=company, submission_id=submission_id, cache=cache
            )
            result, revision = _store_answer(
                conn, before, user=user, question=question, value=value, data=data
            )
    except IntegrityError:
        # A colleague created the same answer in the same instant (the transaction was rolled back).
        return Saved(before, before, SaveResult("conflict", question=question, sent=value))
    if revision is None:
        return Saved(before, before, result)
    return _saved(before, result, user, cache, revision)


class _Changed(Exception):
    """Raised inside a save's transaction to roll back its claim: the form changed since it was read."""


def _saved(
    before: FormState, result: SaveResult, user: User, cache: FormCache | None, revision: int
) -> Saved:
    """The form after ``result``, whose answer was written at ``revision``. The worker's cache keeps it
    at that revision when no other change came in between, else at the one read: the next read then
    fetches what came in between (and this answer again)."""
    assert result.answer is not None
    after = with_answer(before, result.answer, editor=user)
    if cache is not None:
        read = before.submission.revision
        cache.put(before.submission.id, _cached(after, revision if revision == read + 1 else read))
    return Saved(before, after, result)


def _saved_answer(question: Any, value: Any, stored: StoredAnswer | None, user: User) -> SaveResult:
    answer = StoredAnswer(question.id, value, _version(stored) + 1, user.id, user.name)
    return SaveResult("saved", question=question, answer=answer)


def _store_answer(
    conn: Any, before: FormState, *, user: User, question: Any, value: Any, data: dict[str, Any]
) -> tuple[SaveResult, int | None]:
    """Inside the save's transaction, the form read under its lock: insert or update the one answer,
    unless the form is closed or the client's version is not the stored one. Returns the result and
    the revision the answer was written at (None when nothing was written)."""
    if not before.editable:
        return SaveResult("closed", question=question), None
    stored = before.answers.get(question.id)
    if stored is not None and stored.value == value:
        return SaveResult("saved", question=question, answer=stored), None
    if _sent_version(data) != _version(stored):
        editor = None if stored is None else stored.editor
        return SaveResult("conflict", question=question, answer=stored, sent=value, editor=editor), None
    revision = _claim(conn, before)
    if revision is None:
        return SaveResult("closed", question=question), None  # the day ended between the read and the claim
    if not _write_answer(conn, before, user, question, value, stored, revision):
        # Not with the form read under the lock; said as a conflict rather than assumed saved.
        return SaveResult("conflict", question=question, answer=stored, sent=value), None
    return _saved_answer(question, value, stored, user), revision


def _sent_version(data: dict[str, Any]) -> int:
    """The answer's version the client last saw (-1, matching none, when it sent no number)."""
    try:
        return int(str(data.get("version", "0")))
    except ValueError:
        return -1


def _version(stored: StoredAnswer | None) -> int:
    return 0 if stored is None else stored.version


def _claim(conn: Any, before: FormState) -> int | None:
    """Inside a save's transaction: move the submission one revision on if it is still open, and return
    the new revision (None when it is closed now)."""
    params = {"claimed_id": before.submission.id, "claimed_company": before.company.id, "today": today()}
    return _CLAIM.scalar(conn, params)


def _write_answer(
    conn: Any,
    before: FormState,
    user: User,
    question: Any,
    value: Any,
    stored: StoredAnswer | None,
    revision: int,
) -> bool:
    """Insert the answer, or update it if it is still at ``stored``'s version, stamped with ``revision``.
    False when the stored version moved on; a colleague's insert of the same answer raises IntegrityError."""
    if stored is None:
        conn.execute(
            _INSERT_ANSWER,
            {
                "submission_id": before.submission.id,
                "question": question.id,
                "value": value,
                "version": 1,
                "updated_by": user.id,
                "revision": revision,
            },
        )
        return True
    updated = _UPDATE_ANSWER.run(
        conn,
        {
            "submission": before.submission.id,
            "question_id": question.id,
            "new_value": value,
            "new_version": stored.version + 1,
            "user_id": user.id,
            "moment": now(),
            "revision": revision,
            "current_version": stored.version,
        },
    )
    return updated == 1


@dataclass
class SubmitResult:
    # "submitted" (now or before), "incomplete" or "closed".
    outcome: str
    snapshot_id: int | None = None
    missing: list[str] = field(default_factory=list)


def submit(
    db: Database, registry: Registry, *, company: Company, user: User, submission_id: int, lang: str
) -> SubmitResult:
    """Freeze the answers into one immutable snapshot with the definition digest and the assessment.

    The form is read and scored inside the write transaction, with the submission's row locked on
    PostgreSQL as autosaves and evidence changes lock it (SQLite has one writer at a time anyway): an
    answer or a file that a colleague saves at the same moment is either in the snapshot or refused as
    closed, never stored unseen after it. Submitting twice (double click, two colleagues) yields the one
    snapshot: the unique constraint on (submission, round) settles any race the lock leaves.
    """
    try:
        with db.write() as s:
            state = _read_form(
                s.connection(), registry, _SAVE_HEAD, company=company, submission_id=submission_id
            )
            existing = s.scalar(
                select(Snapshot.id).where(
                    Snapshot.submission_id == state.submission.id, Snapshot.round == state.submission.round
                )
            )
            if existing is not None:
                return SubmitResult("submitted", snapshot_id=existing)
            if not state.editable:
                return SubmitResult("closed")
            q = state.questionnaire
            doc = state.document()
            assessment = q.score(doc, mode="self", lang=lang)
            if assessment.completeness < 1:
                answered = {qid for qid, v in doc["answers"].items() if _is_answered(v)}
                missing = [
                    question.id
                    for ind in q.indicators
                    for question in ind.questions
                    if question.id in state.applicable and question.required and question.id not in answered
                ]
                return SubmitResult("incomplete", missing=missing)
            sub = s.get(Submission, state.submission.id)
            if sub is None:  # read above in this very transaction; cannot happen
                raise NotFound
            snap_row = Snapshot(
                submission_id=sub.id,
                round=sub.round,
                digest=q.digest,
                document=msgspec.json.encode(doc).decode(),
                assessment=msgspec.json.encode(assessment).decode(),
                rating=assessment.rating,
                total=assessment.total,
                created_by=user.id,
            )
            s.add(snap_row)
            before = sub.status
            sub.status = "submitted"
            sub.submitted_at = now()
            s.flush()
            snapshot_id = snap_row.id
            # The task force's status history, ranking row and audit entry, in this same transaction.
            # (Imported here: the review package builds on this module.)
            from webapp.review.services import record_submitted

            record_submitted(s, registry, submission=sub, user=user, before=before)
    except IntegrityError:
        return SubmitResult("submitted", snapshot_id=_snapshot_for(db, state.submission))
    return SubmitResult("submitted", snapshot_id=snapshot_id)


def _snapshot_for(db: Database, submission: Submission | FormSubmission) -> int | None:
    with db.read() as s:
        return s.scalar(
            select(Snapshot.id).where(
                Snapshot.submission_id == submission.id, Snapshot.round == submission.round
            )
        )


@dataclass
class ResultView:
    company: Company
    cycle: Cycle
    submission: Submission
    snapshot: Snapshot
    assessment: dict[str, Any]
    document: dict[str, Any]
    questionnaire: Any
    previous: dict[str, Any] | None = None
    previous_cycle: str | None = None


def result_for(
    db: Database,
    registry: Registry,
    *,
    submission_id: int,
    company_id: int | None = None,
    region: str | None = None,
) -> ResultView:
    """The latest snapshot of a submission, for its company (``company_id``) or a reviewer (``region``:
    "" for the whole country, a province or a regency code)."""
    with db.read() as s:
        query = (
            select(Submission, Company, Cycle)
            .join(Company, Company.id == Submission.company_id)
            .join(Cycle, Cycle.id == Submission.cycle_id)
            .where(Submission.id == submission_id)
        )
        if company_id is not None:
            query = query.where(Submission.company_id == company_id)
        elif region is not None:
            query = query.where(region_filter(region))
        else:
            raise NotFound
        row = s.execute(query).first()
        if row is None:
            raise NotFound
        submission, company, cycle = row
        snap = s.scalar(
            select(Snapshot)
            .where(Snapshot.submission_id == submission.id)
            .order_by(Snapshot.round.desc())
            .limit(1)
        )
        if snap is None:
            raise NotFound
        prev_sub = previous_submission(s, company_id=company.id, cycle=cycle)
        prev_snap = None
        prev_cycle = None
        if prev_sub is not None:
            prev_snap = s.scalar(
                select(Snapshot)
                .where(Snapshot.submission_id == prev_sub.id)
                .order_by(Snapshot.round.desc())
                .limit(1)
            )
            prev_cycle = s.scalar(select(Cycle.name).where(Cycle.id == prev_sub.cycle_id))
    q = registry.get(cycle.definition_id)
    return ResultView(
        company=company,
        cycle=cycle,
        submission=submission,
        snapshot=snap,
        assessment=msgspec.json.decode(snap.assessment),
        document=msgspec.json.decode(snap.document),
        questionnaire=q,
        previous=msgspec.json.decode(prev_snap.assessment) if prev_snap else None,
        previous_cycle=prev_cycle if prev_snap else None,
    )


def region_filter(region: str) -> Any:
    """SQL condition: companies inside a reviewer's region."""
    if region == "":
        return Company.id.is_not(None)
    if "." in region:
        return Company.regency == region
    return or_(Company.province == region)


def submissions_in_region(db: Database, region: str) -> list[tuple[Submission, Company, Cycle]]:
    with db.read() as s:
        rows = s.execute(
            select(Submission, Company, Cycle)
            .join(Company, Company.id == Submission.company_id)
            .join(Cycle, Cycle.id == Submission.cycle_id)
            .where(region_filter(region))
            .order_by(Cycle.opens_on.desc(), Company.name)
        ).all()
    return [(row[0], row[1], row[2]) for row in rows]
