"""Load test of the web app on loopback: section rendering and autosave at a steady rate, then saturation.

    .venv/bin/python benchmarks/web_load.py [--seconds 10] [--section-rate 300] [--save-rate 500] [--workers 2]

Starts the real server (``hamscore serve --workers 2``: a worker process per core of this 2-core machine,
uvicorn with uvloop and httptools, the access log on) on a free loopback port with a fresh SQLite
database and ``questionnaires/bham.toml``, registers a company over HTTP and answers every question that
applies but the sixteen the autosaves will change (a form nearly filled in, so each request carries its
full weight of answers), then drives it with a small keep-alive HTTP/1.1 client: sixteen connections,
each a colleague owning one of those questions, spread over the form's sections. The steady phases are
open-loop: each request has a scheduled start and its latency is counted from that moment, so a stalled
server cannot hide its queue (no coordinated omission). Saturation runs every connection back to back.
Bounded: loopback only, fixed durations.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, NamedTuple

import uvloop

ROOT = Path(__file__).resolve().parents[1]
class Connection:
    """One keep-alive HTTP/1.1 connection; just enough protocol for our own server."""

    def __init__(self, port: int, cookies: str) -> None:
        self.port = port
        self.cookies = cookies

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes, dict[str, str]]:
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: 127.0.0.1:{self.port}",
            f"Cookie: {self.cookies}",
            f"Content-Length: {len(body)}",
        ]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        response_headers: dict[str, str] = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                response_headers.setdefault(name.strip().lower(), value.strip())
        length = int(response_headers.get("content-length", "0"))
        data = await self.reader.readexactly(length) if length else b""
        return int(status_line.split()[1]), data, response_headers

    def close(self) -> None:
        self.writer.close()


async def open_all(conns: list[Connection]) -> None:
    """Open the connections one after another, a few milliseconds apart, as clients arrive. Opened all in
    the same instant, they would all be accepted by whichever server worker woke first, and the other
    workers of ``hamscore serve --workers N`` would sit idle for the whole run."""
    for conn in conns:
        await conn.open()
        await asyncio.sleep(0.005)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(workdir: Path, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {
        **os.environ,
        "HAMSCORE_ENV": "production",
        "HAMSCORE_SECRET_KEY": secrets.token_urlsafe(48),
        "HAMSCORE_DATABASE_URL": f"sqlite:///{workdir / 'hamscore.db'}",
        "HAMSCORE_UPLOAD_DIR": str(workdir / "uploads"),
        "HAMSCORE_QUESTIONNAIRES_DIR": str(ROOT / "questionnaires"),
    }
    log = (workdir / "server.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "webapp.cli", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise SystemExit("the server did not start") from None
            time.sleep(0.1)


def open_cycle(workdir: Path) -> None:
    import datetime as dt

    from webapp.admin.services import create_cycle
    from webapp.assessments.definitions import Registry
    from webapp.db import Database

    db = Database(f"sqlite:///{workdir / 'hamscore.db'}", checkpoint_seconds=0)
    registry = Registry(db)
    definition = registry.find("bham", registry.stored()[0].version) or registry.stored()[0]
    today = dt.date.today()
    create_cycle(db, name="bench", definition_id=definition.id, opens_on=today, closes_on=today)
    db.dispose()


def plausible_answer(question: Any) -> dict[str, Any] | None:
    """A valid answer to any question: the best option or band, a date, a short text."""
    if question.type in ("single", "multi") and question.options:
        best = max(question.options, key=lambda o: o.points)
        return {"value": best.id if question.type == "single" else [best.id]}
    if question.type == "number":
        band = max(question.bands, key=lambda b: b.points, default=None)
        low = 1 if band is None else band.min if band.min is not None else (band.max or 1) - 1
        return {"value": str(low)}
    if question.type == "date":
        return {"value": "2026-06-30"}
    if question.type == "text":
        return {"value": "Catatan."}
    return None


def _company_of(db: Any, submission: int) -> tuple[Any, Any]:
    """The company of ``submission`` and its first user."""
    from sqlalchemy import select

    from webapp.db.models import Company, Submission, User

    with db.read() as s:
        company = s.scalar(
            select(Company).join(Submission, Submission.company_id == Company.id).where(Submission.id == submission)
        )
        user = s.scalar(select(User).where(User.company_id == company.id))
    return company, user


def autosave_questions(db: Any, submission: int, count: int) -> list[tuple[str, str, str]]:
    """Up to ``count`` questions for the autosaves to change, spread over the form's sections: single
    choice with two options or more, shown to this company whatever else is answered (no condition of
    their own) and read by no condition (saving them never shows or hides another). Each is returned
    with two of its options: (id, option A, option B)."""
    from webapp.assessments import services
    from webapp.assessments.definitions import Registry

    company, _ = _company_of(db, submission)
    state = services.form_state(db, Registry(db), company=company, submission_id=submission)
    q = state.questionnaire
    chosen = [
        (question.id, question.options[0].id, question.options[1].id)
        for question in q.questions
        if question.id in state.applicable
        and question.type == "single"
        and len(question.options) >= 2
        and not question.show_if
        and not q.affects_applicability(question.id)
    ]
    # Every n-th, so the saves fall into many sections rather than the first one or two.
    step = max(1, len(chosen) // count)
    return chosen[::step][:count]


def fill_form(db: Any, submission: int, keep_open: set[str]) -> int:
    """Answer every question that applies, except ``keep_open``, as a company most of the way through
    its form would have: the form each request reads then carries its full weight of answers.
    Returns how many answers are stored."""
    from webapp.assessments import services
    from webapp.assessments.definitions import Registry

    registry = Registry(db)
    company, user = _company_of(db, submission)
    for _ in range(3):  # answers make further questions apply
        state = services.form_state(db, registry, company=company, submission_id=submission)
        for question in state.questionnaire.questions:
            if question.id in keep_open or question.id in state.answers:
                continue
            data = plausible_answer(question) if question.id in state.applicable else None
            if data is not None:
                services.save_answer(
                    db,
                    registry,
                    company=company,
                    user=user,
                    submission_id=submission,
                    question_id=question.id,
                    data={**data, "version": "0"},
                )
    return len(services.form_state(db, registry, company=company, submission_id=submission).answers)


def form(values: dict[str, str]) -> bytes:
    from urllib.parse import urlencode

    return urlencode(values).encode()


async def setup(port: int, index: int = 0) -> tuple[str, str, int, str, list[tuple[str, str, str]]]:
    """Register company number ``index`` over HTTP; returns cookies, CSRF token, submission, a section, and
    questions to save (id, option A, option B) that apply whatever else is answered."""
    conn = Connection(port, "")
    await conn.open()
    _, _, headers = await conn.request("GET", "/login")
    cookies = headers["set-cookie"].split(";", 1)[0]
    conn.cookies = cookies
    _, page, _ = await conn.request("GET", "/login")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()  # type: ignore[union-attr]
    body = form(
        {
            "csrf_token": token,
            "name": f"Bench {index}",
            "email": f"bench{index}@example.id",
            "password": "bench-password-1",
            "company_name": f"PT Bench {index}",
            "nib": str(1234567890123 + index),
            "ahu": "AHU-1",
            "address": "Jl. Bench",
            "province": "36",
            "regency": "36.73",
            "sector": "C",
            "size": "menengah",
            "employees": "120",
        }
    )
    status, _, headers = await conn.request(
        "POST", "/register", body, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 303, status
    conn.cookies = f"{cookies}; {headers['set-cookie'].split(';', 1)[0]}"
    _, home, _ = await conn.request("GET", "/")
    cycle = re.search(rb'action="/cycles/(\d+)/start"', home).group(1).decode()  # type: ignore[union-attr]
    status, _, headers = await conn.request(
        "POST",
        f"/cycles/{cycle}/start",
        form({"csrf_token": token}),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    submission = int(headers["location"].rsplit("/", 1)[-1])
    _, _, headers = await conn.request("GET", f"/submissions/{submission}")
    section_path = headers["location"]
    _, page, _ = await conn.request("GET", section_path)
    # Single-choice questions shown without a condition: saving them never hides the others.
    questions = []
    for qid in re.findall(rb'id="q-([a-z0-9_]+)">', page):
        options = re.findall(rb'<form class="answer"[^>]*answers/' + qid + rb'".*?</form>', page, re.S)
        values = re.findall(rb'type="radio" name="value" value="([^"]+)"', options[0]) if options else []
        if len(values) >= 2:
            questions.append((qid.decode(), values[0].decode(), values[1].decode()))
    conn.close()
    return conn.cookies, token, submission, section_path, questions


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def steady(
    port: int, cookies: list[str], make, rate: float, seconds: float, connections: int
) -> dict[str, float]:
    """Open loop at ``rate`` requests/s; latency from each request's scheduled start. Connection ``i``
    signs in with ``cookies[i % len(cookies)]``."""
    conns = [Connection(port, cookies[i % len(cookies)]) for i in range(connections)]
    await open_all(conns)
    queue: asyncio.Queue[float | None] = asyncio.Queue()
    latencies: list[float] = []
    failures = 0

    async def worker(index: int, conn: Connection) -> None:
        nonlocal failures
        sequence = 0
        while (scheduled := await queue.get()) is not None:
            method, path, body, headers = make(index, sequence)
            status, _, _ = await conn.request(method, path, body, headers)
            sequence += 1
            latencies.append(time.perf_counter() - scheduled)
            if status != 200:
                failures += 1

    workers = [asyncio.create_task(worker(i, c)) for i, c in enumerate(conns)]
    start = time.perf_counter()
    total = int(rate * seconds)
    for i in range(total):
        at = start + i / rate
        delay = at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait(at)
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    elapsed = time.perf_counter() - start
    for c in conns:
        c.close()
    ms = [x * 1000 for x in latencies]
    return {
        "requests": len(ms),
        "rate": len(ms) / elapsed,
        "p50": percentile(ms, 50),
        "p99": percentile(ms, 99),
        "max": max(ms),
        "failures": failures,
    }


async def saturate(
    port: int, cookies: list[str], make, seconds: float, connections: int
) -> dict[str, float]:
    conns = [Connection(port, cookies[i % len(cookies)]) for i in range(connections)]
    await open_all(conns)
    end = time.perf_counter() + seconds
    count = 0
    failures = 0

    async def worker(index: int, conn: Connection) -> None:
        nonlocal count, failures
        sequence = 0
        while time.perf_counter() < end:
            method, path, body, headers = make(index, sequence)
            status, _, _ = await conn.request(method, path, body, headers)
            sequence += 1
            count += 1
            failures += status != 200

    start = time.perf_counter()
    await asyncio.gather(*(worker(i, c) for i, c in enumerate(conns)))
    elapsed = time.perf_counter() - start
    for c in conns:
        c.close()
    return {"requests": count, "rate": count / elapsed, "failures": failures}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--section-rate", type=float, default=300.0)
    parser.add_argument("--save-rate", type=float, default=500.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (one per core)")
    parser.add_argument(
        "--companies",
        type=int,
        default=16,
        help="companies whose PICs save (1: sixteen colleagues of one company save into one form)",
    )
    args = parser.parse_args()
    if not (ROOT / "questionnaires" / "bham.toml").exists():
        raise SystemExit("questionnaires/bham.toml is needed")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        process, port = start_server(workdir, args.workers)
        try:
            open_cycle(workdir)
            # The client runs on uvloop, as the server does: on the standard loop its own work added
            # about 0.3 ms to every latency it measured, and its own delays to the tail.
            with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
                return runner.run(run(port, args, workdir))
        finally:
            process.terminate()
            process.wait(timeout=10)


class Owner(NamedTuple):
    """What one connection saves: a company's PIC (session cookies and CSRF token) and one question of its
    form, with two of the question's options."""

    cookies: str
    token: str
    submission: int
    section: str
    question: str
    first: str
    second: str


async def run(port: int, args: argparse.Namespace, workdir: Path) -> int:
    from webapp.db import Database

    db = Database(f"sqlite:///{workdir / 'hamscore.db'}", checkpoint_seconds=0)
    forms = []
    stored = 0
    per_company = -(-args.connections // args.companies)
    try:
        for index in range(args.companies):
            cookies, token, submission, section_path, _ = await setup(port, index)
            questions = autosave_questions(db, submission, per_company)
            stored = fill_form(db, submission, {qid for qid, _, _ in questions})
            forms.append((cookies, token, submission, section_path, questions))
    finally:
        db.dispose()
    # Connection i belongs to company i mod n and owns one of its questions: no two share a question.
    owners = []
    for i in range(args.connections):
        cookies, token, submission, section_path, questions = forms[i % len(forms)]
        turn = i // len(forms)
        if turn < len(questions):
            owners.append(Owner(cookies, token, submission, section_path, *questions[turn]))
    cookies = [owner.cookies for owner in owners]
    hx = {"HX-Request": "true"}
    versions: dict[tuple[int, str], int] = {}

    def section(index: int, sequence: int) -> tuple[str, str, bytes, dict[str, str]]:
        return "GET", owners[index].section, b"", hx

    def save(index: int, sequence: int) -> tuple[str, str, bytes, dict[str, str]]:
        # Each connection owns one question and takes it through option A, option B and cleared, in turn:
        # every save is a real write with the right version, and two saves in three move the section's
        # progress, as a first answer does.
        owner = owners[index]
        key = (owner.submission, owner.question)
        version = versions.get(key, 0)
        versions[key] = version + 1
        body = form({"value": (owner.first, owner.second, "")[version % 3], "version": str(version)})
        return (
            "POST",
            f"/submissions/{owner.submission}/answers/{owner.question}",
            body,
            {
                **hx,
                "X-CSRF-Token": owner.token,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )

    connections = len(owners)
    print(
        f"server on 127.0.0.1:{port} with {args.workers} worker(s); {args.companies} companies, "
        f"{connections} connections (one question each); {stored} answers stored per form"
    )
    await steady(port, cookies, section, 100, 2, connections)  # warm-up
    result = await steady(port, cookies, section, args.section_rate, args.seconds, connections)
    print(
        "section render, steady {rate:.0f}/s: p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {max:.1f} ms, "
        "{failures} failures".format(**result)
    )
    result = await saturate(port, cookies, section, args.seconds / 2, connections)
    print("section render, saturation: {rate:.0f}/s, {failures} failures".format(**result))
    await steady(port, cookies, save, 100, 2, connections)  # warm-up: the save path's statements and templates
    result = await steady(port, cookies, save, args.save_rate, args.seconds, connections)
    print(
        "autosave, steady {rate:.0f}/s: p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {max:.1f} ms, "
        "{failures} failures".format(**result)
    )
    result = await saturate(port, cookies, save, args.seconds / 2, connections)
    print("autosave, saturation: {rate:.0f}/s, {failures} failures".format(**result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
