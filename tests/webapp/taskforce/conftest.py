"""Personas of the task-force workspace, on top of the web app's fixtures (both databases).

Companies: Siti's PT Sumber Makmur in Kota Serang (36.73), Charlie's PT Cahaya Lain in Kota Cilegon
(36.72), both Banten, and Made's PT Bali Lestari in Bali (51). Reviewers: Rina reviews the province of
Banten, Dedi the regency of Kota Serang, Wayan the province of Bali, Nadia the whole country; Ayu is an
admin. The cycle's questionnaire is the inline one with evidence *required* for the policy question, so
the verified score depends on the reviewers' marks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from webapp.accounts.services import create_user

PASSWORD = "kata-sandi-rahasia-1"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REVIEWERS = {
    "rina": ("rina@banten.go.id", "Rina", "reviewer", "36"),
    "dedi": ("dedi@serangkota.go.id", "Dedi", "reviewer", "36.73"),
    "wayan": ("wayan@baliprov.go.id", "Wayan", "reviewer", "51"),
    "nadia": ("nadia@kemenham.go.id", "Nadia", "reviewer", ""),
    "ayu": ("ayu@kemenham.go.id", "Ayu", "admin", ""),
}


@pytest.fixture
def cycle(ctx: Any, browser: Any, settings: Any) -> Any:
    """An open cycle on the inline questionnaire with the policy question's evidence required."""
    browser()  # starts the app: migrations and questionnaires
    from webapp.admin.services import create_cycle

    source = (settings.questionnaires_dir / "bham-test.toml").read_text(encoding="utf-8")
    source = source.replace('id = "bham-test"', 'id = "bham-tf"', 1).replace(
        'evidence = "optional"', 'evidence = "required"'
    )
    assert ctx.questionnaires.add(source) is None
    definition = ctx.questionnaires.find("bham-tf", "1")
    today = dt.date.today()
    return create_cycle(
        ctx.db,
        name=str(today.year),
        definition_id=definition.id,
        opens_on=today - dt.timedelta(days=30),
        closes_on=today + dt.timedelta(days=60),
    )


def login(browser: Any, email: str) -> Any:
    person = browser()
    response = person.post("/login", {"email": email, "password": PASSWORD})
    assert response.status_code == 303, response.text
    person.get("/")
    return person


@pytest.fixture
def reviewer(browser: Any, ctx: Any, cycle: Any) -> Any:
    """``reviewer("rina")``: log one of the task-force personas in (created on first use)."""
    made: dict[str, Any] = {}

    def open_as(name: str) -> Any:
        email, full_name, role, region = REVIEWERS[name]
        if name not in made:
            create_user(ctx.db, email=email, name=full_name, password=PASSWORD, role=role, region=region)
            made[name] = True
        return login(browser, email)

    return open_as


@dataclass
class World:
    siti: Any
    charlie: Any
    made: Any
    siti_sid: int
    charlie_sid: int
    made_sid: int
    siti_evidence: int


def submit_with_evidence(
    person: Any, cycle: Any, start: Any, complete: Any, *, child: str = "no"
) -> tuple[int, int]:
    sid = start(person, cycle)
    complete(person, sid, child=child)
    upload = person.post(
        f"/submissions/{sid}/evidence/policy",
        files={"file": ("kebijakan.pdf", PDF, "application/pdf")},
        htmx=True,
    )
    assert upload.status_code == 200, upload.text
    response = person.post(f"/submissions/{sid}/submit")
    assert response.status_code == 303, response.text
    import re

    found = re.search(r'href="/evidence/(\d+)"', person.get(f"/submissions/{sid}/sections/policy").text)
    assert found
    return sid, int(found.group(1))


@pytest.fixture
def world(siti: Any, charlie: Any, browser: Any, cycle: Any, start: Any, complete: Any) -> World:
    """Three submitted companies: two in Banten (Kota Serang, Kota Cilegon) and one in Bali."""
    from tests.webapp.conftest import register  # the web app's registration helper

    made = browser()
    register(
        made,
        name="Made",
        email="made@balilestari.co.id",
        company_name="PT Bali Lestari",
        nib="5555555555555",
        province="51",
        regency="",
        sector="I",
    )
    siti_sid, siti_evidence = submit_with_evidence(siti, cycle, start, complete)
    charlie_sid, _ = submit_with_evidence(charlie, cycle, start, complete, child="yes")
    made_sid, _ = submit_with_evidence(made, cycle, start, complete)
    return World(siti, charlie, made, siti_sid, charlie_sid, made_sid, siti_evidence)
