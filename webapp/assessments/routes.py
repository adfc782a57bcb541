"""The company's dashboard, the form (one indicator section per page), autosave, submit and the result."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath

from webapp.assessments import services
from webapp.assessments.chart import score_chart
from webapp.web import CurrentUser, NotFound, ctx_of, redirect, render

__all__ = ["ROUTES"]

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


@get("/", sync_to_thread=True)
def home(request: Request, current: CurrentUser) -> Response[Any]:
    ctx = ctx_of(request)
    if current.user is None:
        return render(request, current, "home.html", {})
    if current.user.role == "company" and current.company is not None:
        rows = services.cycles_for_company(ctx.db, current.company.id)
        return render(request, current, "assessments/dashboard.html", {"rows": rows})
    if current.user.role in ("reviewer", "admin"):
        region = current.user.region if current.user.role == "reviewer" else ""
        rows = services.submissions_in_region(ctx.db, region)
        return render(request, current, "assessments/reviewer.html", {"rows": rows, "region": region})
    raise NotFound


@post("/cycles/{cycle_id:int}/start", sync_to_thread=True)
def start(request: Request, current: CurrentUser, cycle_id: FromPath[int]) -> Response[Any]:
    _, company = current.require_company()
    sub = services.start_submission(ctx_of(request).db, company.id, cycle_id)
    return redirect(request, f"/submissions/{sub.id}")


@get("/submissions/{submission_id:int}", sync_to_thread=True)
def form_start(request: Request, current: CurrentUser, submission_id: FromPath[int]) -> Response[Any]:
    _, company = current.require_company()
    ctx = ctx_of(request)
    state = services.form_state(
        ctx.db, ctx.questionnaires, company=company, submission_id=submission_id, cache=ctx.forms
    )
    if state.submission.status not in services.EDITABLE:
        return redirect(request, f"/submissions/{submission_id}/result")
    shown = state.indicators
    first = next((p for p in shown if p.fraction < 1), shown[0] if shown else None)
    if first is None:
        raise NotFound
    return redirect(request, f"/submissions/{submission_id}/sections/{first.id}")


def _section(
    request: Request,
    current: CurrentUser,
    state: services.FormState,
    indicator_id: FromPath[str],
    *,
    error: str | None = None,
    missing: list[str] | None = None,
    status_code: int = 200,
) -> Response[str]:
    indicator = state.indicator(indicator_id)
    ids = [p.id for p in state.indicators]
    at = ids.index(indicator.id)
    return render(
        request,
        current,
        "assessments/form.html",
        {
            "state": state,
            "indicator": indicator,
            "previous_id": ids[at - 1] if at > 0 else None,
            "next_id": ids[at + 1] if at + 1 < len(ids) else None,
            "error": error,
            "missing": missing or [],
        },
        fragment="workspace",
        status_code=status_code,
    )


@get("/submissions/{submission_id:int}/sections/{indicator_id:str}", sync_to_thread=False)  # see webapp.app
def section(
    request: Request, current: CurrentUser, submission_id: FromPath[int], indicator_id: FromPath[str]
) -> Response[str]:
    _, company = current.require_company()
    ctx = ctx_of(request)
    state = services.form_state(
        ctx.db, ctx.questionnaires, company=company, submission_id=submission_id, cache=ctx.forms
    )
    return _section(request, current, state, indicator_id)


@post("/submissions/{submission_id:int}/answers/{question_id:str}", sync_to_thread=False)  # see webapp.app
def save(
    request: Request,
    current: CurrentUser,
    submission_id: FromPath[int],
    question_id: FromPath[str],
    data: Form,
) -> Response[str]:
    """Autosave of one answer. Answers 200 with the saved state and the questions whose visibility changed,
    409 on a conflict with a colleague's newer answer, 422 when the value is not acceptable."""
    user, company = current.require_company()
    ctx = ctx_of(request)
    before, state, result = services.save_answer(
        ctx.db,
        ctx.questionnaires,
        company=company,
        user=user,
        submission_id=submission_id,
        question_id=question_id,
        data=data,
        cache=ctx.forms,
    )
    indicator = state.questionnaire.indicator_of(question_id)
    changed = [
        q
        for q in indicator.questions
        if (q.id in before.applicable) != (q.id in state.applicable) and q.id != question_id
    ]
    values = {
        "state": state,
        "result": result,
        "question": result.question,
        "indicator": indicator,
        "changed": changed,
        "progress": services.progress_change(before, state),
    }
    headers = {}
    status_code = 200
    if result.outcome == "conflict":
        status_code = 409
        headers = {"HX-Retarget": f"#conflict-{question_id}", "HX-Reswap": "innerHTML"}
    elif result.outcome == "invalid":
        status_code = 422
    elif result.outcome == "closed":
        status_code = 409
    return render(
        request, current, "assessments/saved.html", values, status_code=status_code, headers=headers
    )


@post("/submissions/{submission_id:int}/submit", sync_to_thread=True)
def submit(request: Request, current: CurrentUser, submission_id: FromPath[int]) -> Response[Any]:
    user, company = current.require_company()
    ctx = ctx_of(request)
    result = services.submit(
        ctx.db, ctx.questionnaires, company=company, user=user, submission_id=submission_id, lang=current.lang
    )
    if result.outcome == "submitted":
        return redirect(request, f"/submissions/{submission_id}/result")
    state = services.form_state(
        ctx.db, ctx.questionnaires, company=company, submission_id=submission_id, cache=ctx.forms
    )
    first = next((p for p in state.indicators if p.fraction < 1), state.indicators[0])
    key = "submit.incomplete" if result.outcome == "incomplete" else "submit.closed"
    return _section(request, current, state, first.id, error=key, missing=result.missing, status_code=422)


@get("/submissions/{submission_id:int}/result", sync_to_thread=False)  # see webapp.app
def result(request: Request, current: CurrentUser, submission_id: FromPath[int]) -> Response[str]:
    user = current.require_user()
    ctx = ctx_of(request)
    if user.role == "company" and current.company is not None:
        view = services.result_for(
            ctx.db, ctx.questionnaires, submission_id=submission_id, company_id=current.company.id
        )
    elif user.role == "reviewer":
        view = services.result_for(
            ctx.db, ctx.questionnaires, submission_id=submission_id, region=user.region
        )
    elif user.role == "admin":
        view = services.result_for(ctx.db, ctx.questionnaires, submission_id=submission_id, region="")
    else:
        raise NotFound
    # Numbers come from the frozen snapshot; advice is re-derived from the same stored answers and
    # definition so it follows the reader's language.
    localized = view.questionnaire.score(view.document, mode=view.assessment["mode"], lang=current.lang)
    advice = {gap.question: gap.advice for gap in localized.gaps}
    return render(
        request,
        current,
        "assessments/result.html",
        {
            "view": view,
            "advice": advice,
            "chart": score_chart(view, lang=current.lang, catalogue=ctx.catalogue),
            "questions": {
                question.id: question for ind in view.questionnaire.indicators for question in ind.questions
            },
            "indicator_titles": {ind.id: ind.title for ind in view.questionnaire.indicators},
        },
    )


ROUTES = [home, start, form_start, section, save, submit, result]
