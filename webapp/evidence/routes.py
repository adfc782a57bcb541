"""Upload, reuse, delete and download evidence files."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import File

from webapp.assessments import services as assessments
from webapp.audit import services as audit
from webapp.evidence import services
from webapp.web import CurrentUser, ctx_of, is_htmx, redirect, render

__all__ = ["ROUTES"]

Multipart = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def _block(
    request: Request,
    current: CurrentUser,
    submission_id: FromPath[int],
    question_id: FromPath[str],
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response[Any]:
    _, company = current.require_company()
    ctx = ctx_of(request)
    if not is_htmx(request) and error is None:
        indicator = assessments.form_state(
            ctx.db, ctx.questionnaires, company=company, submission_id=submission_id, cache=ctx.forms
        )
        ind = indicator.questionnaire.indicator_of(question_id)
        return redirect(request, f"/submissions/{submission_id}/sections/{ind.id}")
    state = assessments.form_state(
        ctx.db, ctx.questionnaires, company=company, submission_id=submission_id, cache=ctx.forms
    )
    question = assessments.find_question(state.questionnaire, question_id)
    return render(
        request,
        current,
        "evidence/block.html",
        {"state": state, "question": question, "error": error},
        status_code=status_code,
    )


@post("/submissions/{submission_id:int}/evidence/{question_id:str}", sync_to_thread=True)
def upload(
    request: Request,
    current: CurrentUser,
    submission_id: FromPath[int],
    question_id: FromPath[str],
    data: Multipart,
) -> Response[Any]:
    user, company = current.require_company()
    ctx = ctx_of(request)
    file = data.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        return _block(request, current, submission_id, question_id, error="evidence.no_file", status_code=422)
    limit = ctx.settings.max_upload_bytes
    content = file.file.read(limit + 1)
    result = services.upload(
        ctx.db,
        ctx.questionnaires,
        ctx.settings.upload_dir,
        company=company,
        user=user,
        submission_id=submission_id,
        question_id=question_id,
        filename=file.filename,
        content=content,
        max_bytes=limit,
    )
    if result.error:
        status = 413 if result.error == "evidence.too_large" else 422
        return _block(request, current, submission_id, question_id, error=result.error, status_code=status)
    return _block(request, current, submission_id, question_id)


@post(
    "/submissions/{submission_id:int}/evidence/{question_id:str}/reuse/{evidence_id:int}", sync_to_thread=True
)
def reuse(
    request: Request,
    current: CurrentUser,
    submission_id: FromPath[int],
    question_id: FromPath[str],
    evidence_id: FromPath[int],
) -> Response[Any]:
    user, company = current.require_company()
    ctx = ctx_of(request)
    services.reuse(
        ctx.db,
        ctx.questionnaires,
        company=company,
        user=user,
        submission_id=submission_id,
        question_id=question_id,
        evidence_id=evidence_id,
    )
    return _block(request, current, submission_id, question_id)


@post("/evidence/{evidence_id:int}/delete", sync_to_thread=True)
def delete(request: Request, current: CurrentUser, evidence_id: FromPath[int]) -> Response[Any]:
    _, company = current.require_company()
    ctx = ctx_of(request)
    evidence = services.delete(
        ctx.db, ctx.questionnaires, ctx.settings.upload_dir, company=company, evidence_id=evidence_id
    )
    return _block(request, current, evidence.submission_id, evidence.question)


@get("/evidence/{evidence_id:int}", sync_to_thread=True)
def download(request: Request, current: CurrentUser, evidence_id: FromPath[int]) -> File:
    user = current.require_user()
    ctx = ctx_of(request)
    evidence, path = services.for_download(
        ctx.db, ctx.settings.upload_dir, user=user, evidence_id=evidence_id
    )
    audit.record(
        ctx.db,
        action="evidence_download",
        user=user,
        target=f"evidence:{evidence.id}",
        detail={"company": evidence.company_id, "submission": evidence.submission_id, "file": evidence.filename},
        address=request.client.host if request.client else "",
    )
    # Always an attachment, with the type we checked: the browser never renders an uploaded file inline.
    return File(
        path=path,
        filename=evidence.filename,
        media_type=evidence.media_type,
        content_disposition_type="attachment",
        headers={"Cache-Control": "private, no-store"},
    )


ROUTES = [upload, reuse, delete, download]
