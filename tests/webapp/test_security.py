"""Security: isolation between companies, mass assignment, CSRF, sessions, escaping, headers."""

from __future__ import annotations

import re

from sqlalchemy import select

from webapp.db.models import Answer, Company, Evidence, Session, Snapshot, Submission, User

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _submitted(person, cycle, start, complete):
    sid = start(person, cycle)
    complete(person, sid)
    assert person.post(f"/submissions/{sid}/submit").status_code == 303
    return sid


def test_it_hides_another_companys_records_by_id(siti, charlie, cycle, start, complete, answer, ctx):
    sid = start(siti, cycle)
    complete(siti, sid)
    upload = siti.post(
        f"/submissions/{sid}/evidence/policy",
        files={"file": ("kebijakan.pdf", PDF, "application/pdf")},
        htmx=True,
    )
    assert upload.status_code == 200
    with ctx.db.read() as s:
        evidence_id = s.scalar(select(Evidence.id))
    assert siti.post(f"/submissions/{sid}/submit").status_code == 303
    with ctx.db.read() as s:
        before = [(a.question, a.value, a.version) for a in s.scalars(select(Answer).order_by(Answer.id))]

    assert charlie.get(f"/submissions/{sid}").status_code == 404
    assert charlie.get(f"/submissions/{sid}/sections/policy").status_code == 404
    assert charlie.get(f"/submissions/{sid}/result").status_code == 404
    assert charlie.get(f"/evidence/{evidence_id}").status_code == 404
    assert answer(charlie, sid, "policy", "no", version=1).status_code == 404
    assert charlie.post(f"/submissions/{sid}/submit").status_code == 404
    assert charlie.post(f"/evidence/{evidence_id}/delete", htmx=True).status_code == 404
    assert (
        charlie.post(
            f"/submissions/{sid}/evidence/policy",
            files={"file": ("x.pdf", PDF, "application/pdf")},
            htmx=True,
        ).status_code
        == 404
    )

    with ctx.db.read() as s:
        after = [(a.question, a.value, a.version) for a in s.scalars(select(Answer).order_by(Answer.id))]
        assert s.scalar(select(Evidence.id)) == evidence_id
    assert after == before


def test_it_ignores_mass_assigned_fields_at_registration(browser, cycle, ctx, company_form):
    visitor = browser()
    form = company_form(role="admin", company_id="1", region="", demo="true", id="99")
    assert visitor.post("/register", form).status_code == 303
    with ctx.db.read() as s:
        user = s.scalar(select(User))
        company = s.scalar(select(Company))
    assert user.role == "company"
    assert user.region == ""
    assert company.demo is False


def test_it_ignores_mass_assigned_fields_when_saving(siti, cycle, start, answer, ctx):
    sid = start(siti, cycle)
    response = answer(
        siti, sid, "policy", "yes", status="submitted", rating="green", company_id="2", submission_id="9"
    )
    assert response.status_code == 200
    with ctx.db.read() as s:
        submission = s.get(Submission, sid)
        assert s.scalar(select(Snapshot.id)) is None
    assert submission.status == "draft"


def test_it_refuses_a_post_without_csrf_token(siti, cycle, start, ctx):
    sid = start(siti, cycle)
    response = siti.post(f"/submissions/{sid}/answers/policy", {"value": "yes", "version": "0"}, csrf=False)
    assert response.status_code == 403
    response = siti.post(
        f"/submissions/{sid}/answers/policy", {"value": "yes", "version": "0"}, htmx=True, csrf=False
    )
    assert response.status_code == 403
    response = siti.post(
        f"/submissions/{sid}/answers/policy",
        {"value": "yes", "version": "0", "csrf_token": "0" * 64},
        csrf=False,
    )
    assert response.status_code == 403
    with ctx.db.read() as s:
        assert s.scalar(select(Answer.id)) is None


def test_it_refuses_a_multipart_upload_without_csrf_token(siti, cycle, start):
    sid = start(siti, cycle)
    response = siti.post(
        f"/submissions/{sid}/evidence/policy", files={"file": ("a.pdf", PDF, "application/pdf")}, csrf=False
    )
    assert response.status_code == 403


def test_it_refuses_cross_site_posts_even_with_a_token(siti, cycle, start, ctx):
    sid = start(siti, cycle)
    response = siti.post(
        f"/submissions/{sid}/answers/policy",
        {"value": "yes", "version": "0"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403
    response = siti.post(
        f"/submissions/{sid}/answers/policy",
        {"value": "yes", "version": "0"},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    with ctx.db.read() as s:
        assert s.scalar(select(Answer.id)) is None


def test_it_logs_out_on_a_cross_site_logout_attempt_never(siti):
    response = siti.post("/logout", csrf=False)
    assert response.status_code == 403
    assert "PT Sumber Makmur" in siti.get("/").text


def test_a_planted_session_id_does_not_survive_login(siti, browser, ctx):
    from webapp.web import cookie_name, hash_token

    name = cookie_name(ctx.settings, "session")
    siti.post("/logout")
    planted = "planted-by-an-attacker-0123456789abcdef"
    siti.client.cookies.set(name, planted, domain="hamscore.test")
    response = siti.post("/login", {"email": "siti@sumbermakmur.co.id", "password": "kata-sandi-rahasia-1"})
    assert response.status_code == 303
    issued = response.cookies.get(name)
    assert issued
    assert issued != planted
    with ctx.db.read() as s:
        hashes = set(s.scalars(select(Session.id_hash)))
    assert hash_token(planted) not in hashes
    assert hash_token(issued) in hashes
    # The attacker's browser with the planted id is not logged in.
    attacker = browser()
    attacker.client.cookies.set(name, planted, domain="hamscore.test")
    assert "PT Sumber Makmur" not in attacker.get("/").text


def test_it_renews_the_session_id_at_login_and_destroys_it_at_logout(siti, ctx):
    from webapp.web import cookie_name

    name = cookie_name(ctx.settings, "session")
    first = siti.client.cookies.get(name)
    siti.post("/logout")
    with ctx.db.read() as s:
        assert s.scalar(select(Session.id_hash)) is None
    siti.post("/login", {"email": "siti@sumbermakmur.co.id", "password": "kata-sandi-rahasia-1"})
    assert siti.client.cookies.get(name) != first


def test_it_sets_host_prefixed_secure_cookies_in_production(browser, cycle, company_form):
    visitor = browser()
    response = visitor.get("/login")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-hamscore_csrf=")
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    response = visitor.post("/register", company_form())
    session_cookie = next(c for c in response.headers.get_list("set-cookie") if "session" in c)
    assert session_cookie.startswith("__Host-hamscore_session=")
    for flag in ("Secure", "HttpOnly", "Path=/", "SameSite=lax"):
        assert flag.lower() in session_cookie.lower()


def test_it_sends_security_headers_and_a_csp_without_inline_script(siti):
    response = siti.get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "max-age" in response.headers["strict-transport-security"]
    assert "<script>" not in response.text
    assert not re.search(r"<script(?![^>]*\bsrc=)", response.text)
    assert " style=" not in response.text
    assert " hx-on" not in response.text


def test_it_renders_script_payloads_in_every_text_field_as_text(browser, cycle, start, answer, company_form):
    payload = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    mallory = browser()
    assert (
        mallory.post(
            "/register", company_form(name=payload, company_name=payload, address=payload, ahu=payload)
        ).status_code
        == 303
    )
    sid = start(mallory, cycle)
    assert answer(mallory, sid, "note", payload).status_code == 200
    for path in ("/", f"/submissions/{sid}/sections/work", "/company/colleagues"):
        text = mallory.get(path).text
        assert "<script>alert(1)" not in text
        assert "<img src=x" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_it_limits_failed_logins_per_account(siti, ctx):
    siti.post("/logout")
    for _ in range(ctx.settings.login_attempts):
        assert (
            siti.post(
                "/login", {"email": "siti@sumbermakmur.co.id", "password": "salah-sekali-ya"}
            ).status_code
            == 401
        )
    # Now even the right password is refused for a while.
    response = siti.post("/login", {"email": "siti@sumbermakmur.co.id", "password": "kata-sandi-rahasia-1"})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan gagal" in response.text


def test_it_limits_failed_logins_per_address(browser, cycle, ctx):
    visitor = browser()
    for i in range(ctx.settings.login_attempts_per_address):
        visitor.post("/login", {"email": f"orang{i}@example.id", "password": "salah-sekali-ya"})
    response = visitor.post("/login", {"email": "lain@example.id", "password": "salah-sekali-ya"})
    assert response.status_code == 429


def test_it_refuses_redirects_to_other_sites_after_login(siti):
    siti.post("/logout")
    response = siti.post(
        "/login",
        {"email": "siti@sumbermakmur.co.id", "password": "kata-sandi-rahasia-1", "next": "//evil.example/"},
    )
    assert response.headers["location"] == "/"


def test_it_shows_no_traceback_for_unknown_pages(siti):
    response = siti.get("/submissions/999999")
    assert response.status_code == 404
    assert "Traceback" not in response.text
    assert "Halaman atau data tidak ditemukan." in response.text


def test_a_company_user_never_reaches_admin_pages(siti):
    assert siti.get("/admin/cycles").status_code == 404


def test_an_htmx_request_after_the_session_ended_gets_401_and_a_message(siti, cycle, start, answer, ctx):
    sid = start(siti, cycle)
    with ctx.db.write() as s:
        s.execute(Session.__table__.delete())
    response = answer(siti, sid, "policy", "yes")
    assert response.status_code == 401
    assert response.headers["hx-retarget"] == "#session-banner"
    assert "Sesi Anda telah berakhir" in response.text
    assert "/login?next=" in response.text
    page = siti.get(f"/submissions/{sid}/sections/policy", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login?next=")
