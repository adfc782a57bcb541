"""Demo data for trying the app locally: clearly marked companies in Banten, a reviewer and an admin.

Created only on an empty database (no users), so it can never mix with real data. When the
``questionnaires/`` directory holds no definition yet, a small bilingual demo questionnaire is used.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from webapp.accounts.services import create_user
from webapp.assessments import services as assessments
from webapp.db.models import Company, Cycle, User
from webapp.web import AppContext

__all__ = ["DEMO_PASSWORD", "DEMO_QUESTIONNAIRE", "DemoLogin", "create_demo_data"]

DEMO_PASSWORD = "demo-password-2026"

DEMO_QUESTIONNAIRE = """
id = "bham-demo"
version = "2026.1"
title = { id = "Penilaian Bisnis dan HAM (demo)", en = "Business and Human Rights Assessment (demo)" }
languages = ["id", "en"]

[rating]
bands = [{ level = "green", min = 80, min_indicator = 50 }, { level = "yellow", min = 50 }, { level = "red", min = 0 }]

[[indicators]]
id = "policy"
title = { id = "Kebijakan HAM", en = "Human-rights policy" }
description = { id = "Komitmen perusahaan untuk menghormati HAM (UNGP 16).", en = "The company's commitment to respect human rights (UNGP 16)." }

[[indicators.questions]]
id = "policy_exists"
type = "single"
text = { id = "Apakah perusahaan memiliki kebijakan HAM tertulis?", en = "Does the company have a written human-rights policy?" }
evidence = "required"
refs = ["UNGP 16"]
options = [
  { id = "yes", label = { id = "Ya, disahkan direksi", en = "Yes, approved by the board" }, points = 4 },
  { id = "draft", label = { id = "Masih draf", en = "Still a draft" }, points = 1, advice = { id = "Sahkan kebijakan di tingkat direksi dan umumkan.", en = "Have the board approve the policy and publish it." } },
  { id = "no", label = { id = "Tidak", en = "No" }, points = 0, advice = { id = "Susun kebijakan HAM yang disahkan direksi.", en = "Write a human-rights policy approved by the board." } },
]

[[indicators.questions]]
id = "policy_public"
type = "single"
show_if = "policy_exists == 'yes'"
text = { id = "Apakah kebijakan itu dipublikasikan?", en = "Is the policy published?" }
options = [
  { id = "yes", label = { id = "Ya", en = "Yes" }, points = 2 },
  { id = "no", label = { id = "Tidak", en = "No" }, points = 0, advice = { id = "Publikasikan kebijakan di situs web dan papan pengumuman.", en = "Publish the policy on the website and notice boards." } },
]

[[indicators]]
id = "grievance"
title = { id = "Mekanisme pengaduan", en = "Grievance mechanism" }

[[indicators.questions]]
id = "grievance_channel"
type = "multi"
text = { id = "Saluran pengaduan apa yang tersedia bagi pekerja dan masyarakat?", en = "Which grievance channels do workers and communities have?" }
max_points = 4
options = [
  { id = "hotline", label = { id = "Telepon/WhatsApp", en = "Phone/WhatsApp" }, points = 2, advice = { id = "Sediakan saluran telepon atau WhatsApp.", en = "Offer a phone or WhatsApp channel." } },
  { id = "box", label = { id = "Kotak pengaduan", en = "Complaint box" }, points = 1 },
  { id = "anonymous", label = { id = "Pengaduan anonim", en = "Anonymous reporting" }, points = 2, advice = { id = "Izinkan pengaduan tanpa nama.", en = "Allow anonymous complaints." } },
]

[[indicators.questions]]
id = "grievance_cases"
type = "number"
text = { id = "Berapa pengaduan yang diterima tahun lalu?", en = "How many grievances were received last year?" }
allow_na = true
bands = [{ max = 1, points = 1 }, { min = 1, points = 2 }]

[[indicators]]
id = "workforce"
title = { id = "Tenaga kerja", en = "Workforce" }

[[indicators.questions]]
id = "child_labour"
type = "single"
text = { id = "Apakah ada pekerja berusia di bawah 18 tahun?", en = "Are there workers under 18?" }
refs = ["ILO C138", "ILO C182", "UU 13/2003"]
options = [
  { id = "no", label = { id = "Tidak ada", en = "None" }, points = 3 },
  { id = "yes", label = { id = "Ada", en = "Yes" }, points = 0, cap = "red", advice = { id = "Hentikan segera dan lakukan pemulihan bagi anak.", en = "Stop it at once and provide remedy for the children." } },
]

[[indicators.questions]]
id = "min_wage"
type = "single"
text = { id = "Apakah semua pekerja dibayar setidaknya upah minimum?", en = "Are all workers paid at least the minimum wage?" }
evidence = "optional"
refs = ["PP 36/2021", "PP 51/2023"]
options = [
  { id = "yes", label = { id = "Ya", en = "Yes" }, points = 3 },
  { id = "no", label = { id = "Tidak", en = "No" }, points = 0, cap = "yellow", advice = { id = "Sesuaikan upah dengan UMK.", en = "Bring wages up to the regional minimum wage." } },
]

[[indicators.questions]]
id = "union"
type = "single"
show_if = "profile.employees >= 10"
text = { id = "Apakah pekerja bebas membentuk serikat pekerja?", en = "Are workers free to form a trade union?" }
refs = ["UU 21/2000"]
options = [
  { id = "yes", label = { id = "Ya", en = "Yes" }, points = 2 },
  { id = "no", label = { id = "Tidak", en = "No" }, points = 0, advice = { id = "Hormati kebebasan berserikat.", en = "Respect freedom of association." } },
]

[[indicators.questions]]
id = "workforce_note"
type = "text"
required = false
text = { id = "Catatan tambahan tentang tenaga kerja", en = "Other notes on the workforce" }
"""


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    note: str


def _definition_for_demo(ctx: AppContext) -> int:
    stored = ctx.questionnaires.stored()
    preferred = [d for d in stored if d.questionnaire == "bham"] or stored
    if preferred:
        return preferred[-1].id
    problem = ctx.questionnaires.add(DEMO_QUESTIONNAIRE, origin="demo questionnaire")
    if problem:
        raise RuntimeError(problem)
    found = ctx.questionnaires.find("bham-demo", "2026.1")
    assert found is not None
    return found.id


def create_demo_data(ctx: AppContext, *, today: dt.date | None = None) -> list[DemoLogin] | None:
    """Create the demo data on an empty database; returns the logins, or None when users exist."""
    db = ctx.db
    with db.read() as s:
        if s.scalar(select(func.count()).select_from(User)):
            return None
    today = today or dt.date.today()
    definition_id = _definition_for_demo(ctx)
    with db.write() as s:
        # Last year's cycle is open while its demo answers are submitted, then moved to its real dates.
        last = Cycle(name=str(today.year - 1), definition_id=definition_id, opens_on=today, closes_on=today)
        this = Cycle(
            name=str(today.year),
            definition_id=definition_id,
            opens_on=dt.date(today.year, 1, 1),
            closes_on=dt.date(today.year, 12, 31),
        )
        s.add_all([last, this])
        companies = [_company(**c) for c in _COMPANIES]
        s.add_all(companies)
        s.flush()
        cycle_ids = (last.id, this.id)
        company_ids = [c.id for c in companies]
    users = {
        email: create_user(
            db,
            email=email,
            name=name,
            password=DEMO_PASSWORD,
            role=role,
            region=region,
            company_id=company_ids[company] if company is not None else None,
        )
        for role, email, name, company, region, _ in _LOGINS
    }
    with db.read() as s:
        rows = {cid: s.get(Company, cid) for cid in company_ids}
    siti, dewi = users["siti@demo.hamscore.id"], users["dewi@demo.hamscore.id"]
    # PT Sumber Makmur: submitted last year with gaps and a red flag, this year about half done.
    _fill(ctx, rows[company_ids[0]], siti, cycle_ids[0], weak_every=3, submit=True)
    _fill(ctx, rows[company_ids[0]], siti, cycle_ids[1], weak_every=0, share=0.5, submit=False)
    # CV Baja Cilegon: submitted this year with strong answers.
    _fill(ctx, rows[company_ids[1]], dewi, cycle_ids[1], weak_every=0, submit=True)
    with db.write() as s:
        cycle = s.get(Cycle, cycle_ids[0])
        assert cycle is not None
        cycle.opens_on, cycle.closes_on = dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
    return [DemoLogin(role, email, note) for role, email, _, _, _, note in _LOGINS]


_COMPANIES = [
    {
        "name": "[DEMO] PT Sumber Makmur",
        "nib": "9120000000001",
        "regency": "36.73",
        "sector": "C",
        "size": "menengah",
        "employees": 120,
        "address": "Jl. Demo No. 1, Kota Serang",
    },
    {
        "name": "[DEMO] CV Baja Cilegon",
        "nib": "9120000000002",
        "regency": "36.72",
        "sector": "C",
        "size": "besar",
        "employees": 850,
        "address": "Jl. Demo No. 2, Cilegon",
    },
    {
        "name": "[DEMO] PT Kebun Lebak Lestari",
        "nib": "9120000000003",
        "regency": "36.02",
        "sector": "A",
        "size": "kecil",
        "employees": 40,
        "address": "Jl. Demo No. 3, Rangkasbitung",
    },
]

# role, email, name, index of the company (or None), reviewer region, what the login shows
_LOGINS = [
    (
        "company",
        "siti@demo.hamscore.id",
        "Siti",
        0,
        "",
        "PIC, PT Sumber Makmur (Kota Serang): last year submitted, this year in progress",
    ),
    ("company", "budi@demo.hamscore.id", "Budi", 0, "", "colleague of Siti"),
    ("company", "dewi@demo.hamscore.id", "Dewi", 1, "", "PIC, CV Baja Cilegon: this year submitted"),
    ("company", "agus@demo.hamscore.id", "Agus", 2, "", "PIC, PT Kebun Lebak Lestari: not started"),
    (
        "reviewer",
        "reviewer@demo.hamscore.id",
        "Rina (GTD Banten)",
        None,
        "36",
        "reviewer for the province of Banten",
    ),
    ("admin", "admin@demo.hamscore.id", "Admin", None, "", "administrator"),
]


def _company(**values: Any) -> Company:
    return Company(province="36", ahu=f"AHU-{values['nib'][-7:]}.AH.01.01.TAHUN 2020", demo=True, **values)


def _fill(
    ctx: AppContext,
    company: Company,
    user: User,
    cycle_id: int,
    *,
    weak_every: int,
    submit: bool,
    share: float = 1.0,
) -> None:
    """Answer with the best option, except every ``weak_every``-th question with the weakest; then submit."""
    db = ctx.db
    submission = assessments.start_submission(db, company.id, cycle_id)
    state = assessments.form_state(db, ctx.questionnaires, company=company, submission_id=submission.id)
    questions = [question for ind in state.questionnaire.indicators for question in ind.questions]
    questions = questions[: max(1, int(len(questions) * share))]
    for _ in range(3):  # repeat: answers make further questions applicable
        state = assessments.form_state(db, ctx.questionnaires, company=company, submission_id=submission.id)
        for number, question in enumerate(questions):
            if question.id not in state.applicable or question.id in state.answers:
                continue
            weak = bool(weak_every) and number % weak_every == 0
            data = _answer(question, weak=weak)
            if data is not None:
                assessments.save_answer(
                    db,
                    ctx.questionnaires,
                    company=company,
                    user=user,
                    submission_id=submission.id,
                    question_id=question.id,
                    data={**data, "version": "0"},
                )
    if submit:
        result = assessments.submit(
            db, ctx.questionnaires, company=company, user=user, submission_id=submission.id, lang="id"
        )
        if result.outcome != "submitted":
            raise RuntimeError(f"demo submission for {company.name}: {result.outcome} {result.missing}")


def _answer(question: Any, *, weak: bool) -> dict[str, Any] | None:
    kind = question.type
    if kind in ("single", "multi") and question.options:
        ranked = sorted(question.options, key=lambda o: o.points)
        if kind == "single":
            return {"value": ranked[0 if weak else -1].id}
        return {"value": [] if weak else [o.id for o in ranked if o.points > 0]}
    if kind == "number":
        best = max(question.bands, key=lambda b: b.points, default=None)
        worst = min(question.bands, key=lambda b: b.points, default=None)
        band = worst if weak else best
        if band is None:
            return {"value": "1"}
        low = band.min if band.min is not None else (band.max - 1 if band.max is not None else 0)
        return {"value": str(low)}
    if kind == "date":
        return {"value": "2025-06-30"}
    if kind == "text":
        return {"value": "Catatan demo."}
    return None
