"""Follow-up: improvement plans from the result page, the region's plans, certificates and their check."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select, update

from webapp.db.taskforce import Certificate, ImprovementAction


def submit_yellow(person, cycle, start, answer):
    """Policy missing, workforce fine: total 50, yellow."""
    sid = start(person, cycle)
    for question, value in (("policy", "no"), ("child", "no"), ("hours", "40")):
        assert answer(person, sid, question, value).status_code == 200
    assert person.post(f"/submissions/{sid}/submit").status_code == 303
    return sid


def test_it_lets_a_yellow_company_plan_within_two_years(siti, cycle, start, answer, ctx):
    sid = submit_yellow(siti, cycle, start, answer)
    result = siti.get(f"/submissions/{sid}/result")
    assert f'href="/submissions/{sid}/plan"' in result.text
    page = siti.get(f"/submissions/{sid}/plan")
    assert page.status_code == 200
    assert "dua tahun" in page.text
    too_late = (dt.date.today() + dt.timedelta(days=3 * 365)).isoformat()
    refused = siti.post(
        f"/submissions/{sid}/plan",
        {"question": "policy", "action": "Susun kebijakan", "owner": "Siti", "target_date": too_late},
    )
    assert refused.status_code == 422
    soon = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    added = siti.post(
        f"/submissions/{sid}/plan",
        {"question": "policy", "action": "Susun kebijakan HAM", "owner": "Siti (HRD)", "target_date": soon},
    )
    assert added.status_code == 303
    with ctx.db.read() as s:
        action = s.scalar(select(ImprovementAction))
    assert (action.question, action.owner, action.status) == ("policy", "Siti (HRD)", "planned")
    done = siti.post(f"/plan/actions/{action.id}", {"status": "done", "note": "Disahkan direksi"})
    assert done.status_code == 303
    assert "Disahkan direksi" in siti.get(f"/submissions/{sid}/plan").text


def test_it_keeps_plans_to_their_company(siti, charlie, cycle, start, answer, ctx):
    sid = submit_yellow(siti, cycle, start, answer)
    soon = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    siti.post(f"/submissions/{sid}/plan", {"action": "Susun kebijakan", "owner": "Siti", "target_date": soon})
    with ctx.db.read() as s:
        action_id = s.scalar(select(ImprovementAction.id))
    assert charlie.get(f"/submissions/{sid}/plan").status_code == 404
    assert (
        charlie.post(
            f"/submissions/{sid}/plan", {"action": "x", "owner": "x", "target_date": soon}
        ).status_code
        == 404
    )
    assert charlie.post(f"/plan/actions/{action_id}", {"status": "done"}).status_code == 404
    with ctx.db.read() as s:
        assert s.scalar(select(ImprovementAction.status)) == "planned"


def test_it_shows_reviewers_the_plans_of_their_region_with_overdue_items(
    siti, charlie, cycle, start, answer, reviewer, ctx
):
    for person, what in ((siti, "Rencana Sumber Makmur"), (charlie, "Rencana Cahaya Lain")):
        sid = submit_yellow(person, cycle, start, answer)
        target = (dt.date.today() + dt.timedelta(days=10)).isoformat()
        assert (
            person.post(
                f"/submissions/{sid}/plan", {"action": what, "owner": "PIC", "target_date": target}
            ).status_code
            == 303
        )
    with ctx.db.write() as s:
        s.execute(
            update(ImprovementAction)
            .where(ImprovementAction.action == "Rencana Cahaya Lain")
            .values(target_date=dt.date.today() - dt.timedelta(days=5))
        )
    rina = reviewer("rina").get("/taskforce/plans").text
    assert "Rencana Sumber Makmur" in rina
    assert "Rencana Cahaya Lain" in rina
    overdue = reviewer("rina").get("/taskforce/plans?show=overdue", headers={"HX-Request": "true"}).text
    assert "Rencana Cahaya Lain" in overdue
    assert "Rencana Sumber Makmur" not in overdue
    dedi = reviewer("dedi").get("/taskforce/plans").text
    assert "Rencana Sumber Makmur" in dedi
    assert "Rencana Cahaya Lain" not in dedi
    wayan = reviewer("wayan").get("/taskforce/plans").text
    assert "Rencana Sumber Makmur" not in wayan
    assert "Rencana Cahaya Lain" not in wayan
    assert siti.get("/taskforce/plans").status_code == 404


def accept_green(world, reviewer):
    rina = reviewer("rina")
    rina.post(f"/taskforce/evidence/{world.siti_evidence}/review", {"status": "verified"}, htmx=True)
    assert (
        rina.post(f"/taskforce/submissions/{world.siti_sid}/decision", {"decision": "accept"}).status_code
        == 303
    )
    return rina


def test_it_issues_a_certificate_anyone_can_check_with_only_four_facts(world, reviewer, browser, ctx):
    rina = accept_green(world, reviewer)
    result = world.siti.get(f"/submissions/{world.siti_sid}/result")
    assert f'href="/submissions/{world.siti_sid}/certificate"' in result.text
    cert = world.siti.get(f"/submissions/{world.siti_sid}/certificate")
    assert cert.status_code == 200
    code = re.search(r"<code>(HAM-[A-Z0-9-]+)</code>", cert.text).group(1)
    with ctx.db.read() as s:
        stored = s.scalar(select(Certificate))
    assert stored.code == code
    assert (stored.valid_until - stored.valid_from).days >= 3 * 365 - 2
    assert rina.get(f"/submissions/{world.siti_sid}/certificate").status_code == 200

    visitor = browser()
    public = visitor.get(f"/verify/{code}")
    assert public.status_code == 200
    assert "PT Sumber Makmur" in public.text
    assert stored.valid_until.isoformat() in public.text
    for private in ("1234567890123", "Jl. Ki Mas Jong", "siti@", "100.0", "Kota Serang"):
        assert private not in public.text
    assert visitor.get(f"/verify?code={code.lower()}").status_code == 200
    assert visitor.get("/verify/HAM-AAAA-BBBB-CCCC").status_code == 404


def test_it_shows_a_certificate_only_to_its_company_and_region(world, reviewer):
    accept_green(world, reviewer)
    assert world.charlie.get(f"/submissions/{world.siti_sid}/certificate").status_code == 404
    assert reviewer("wayan").get(f"/submissions/{world.siti_sid}/certificate").status_code == 404
    assert world.charlie.get(f"/submissions/{world.charlie_sid}/certificate").status_code == 404
