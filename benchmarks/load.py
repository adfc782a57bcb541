"""Deadline-day load on loopback: the mixed workload against ``hamscore serve --workers 2``.

    .venv/bin/python benchmarks/load.py --database sqlite|postgres [--rate 400] [--seconds 20]

Starts the real server (``hamscore serve --workers 2``: uvicorn with uvloop and httptools) on a free
loopback port with a fresh database (an SQLite file, or a new database on the local PostgreSQL at
127.0.0.1:5432 that is dropped afterwards), ``questionnaires/bham.toml`` and the demo data, registers a
company, and then sends at a steady rate a mix of what a deadline day brings:

    form      a section of the questionnaire (htmx fragment)          35 %
    autosave  one answer saved (each connection owns a question)       40 %
    upload    an evidence PDF of 20 KB to a question of another section 5 %
    result    a submitted company's result page                        10 %
    ranking   a provincial reviewer's ranking page                     10 %

The steady phase is open loop (latency counted from each request's scheduled start, so a stalled
server cannot hide its queue); a shorter closed-loop phase then finds the throughput at saturation.
Any status other than 200 counts as an error. Bounded: loopback only, fixed durations, then it stops
the server and exits. The client shares the machine's cores with the server.

The two single-route scenarios of the company app (a section at 300/s, an autosave at 500/s, one
process) are ``benchmarks/web_load.py``; this script reuses its HTTP client and company set-up.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.web_load import Connection, free_port, open_all, percentile, setup  # noqa: E402

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
MIX = {"form": 35, "autosave": 40, "upload": 5, "result": 10, "ranking": 10}
PDF = b"%PDF-1.4\n" + b"0" * 20_000 + b"\n%%EOF\n"


def prepare_database(url: str, workdir: Path) -> dict[str, str]:
    """Migrations, questionnaires and demo data, in this process, before the server starts."""
    from webapp.app import create_app
    from webapp.demo import create_demo_data
    from webapp.settings import Settings

    env = {
        "HAMSCORE_ENV": "production",
        "HAMSCORE_SECRET_KEY": secrets.token_urlsafe(48),
        "HAMSCORE_DATABASE_URL": url,
        "HAMSCORE_UPLOAD_DIR": str(workdir / "uploads"),
        "HAMSCORE_QUESTIONNAIRES_DIR": str(ROOT / "questionnaires"),
    }
    app = create_app(Settings.from_env(env))
    for hook in app.on_startup:
        hook(app)
    create_demo_data(app.state.ctx)
    for hook in app.on_shutdown:
        hook(app)
    return env


def start_server(env: dict[str, str], workdir: Path, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    import httpx

    port = free_port()
    log = (workdir / "server.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "webapp.cli", "serve", "--port", str(port), "--workers", str(workers)],
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited; see {workdir / 'server.log'}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return process, port
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise SystemExit("the server did not get ready")


async def login(port: int, email: str, password: str) -> tuple[str, str]:
    """Cookies and CSRF token of a logged-in demo user."""
    from urllib.parse import urlencode

    conn = Connection(port, "")
    await conn.open()
    _, _, headers = await conn.request("GET", "/login")
    conn.cookies = headers["set-cookie"].split(";", 1)[0]
    _, page, _ = await conn.request("GET", "/login")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()  # type: ignore[union-attr]
    body = urlencode({"csrf_token": token, "email": email, "password": password}).encode()
    status, _, headers = await conn.request(
        "POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 303, status
    conn.close()
    return f"{conn.cookies}; {headers['set-cookie'].split(';', 1)[0]}", token


def submitted_result(url: str) -> int:
    """The id of a demo submission of this year that has a result page (Dewi's)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as c:
        found = c.execute(
            sa.text(
                "SELECT s.id FROM submissions s JOIN cycles c ON c.id = s.cycle_id "
                "WHERE s.status = 'submitted' ORDER BY c.opens_on DESC, s.id LIMIT 1"
            )
        ).scalar()
    engine.dispose()
    assert found is not None
    return int(found)


def evidence_questions(section: str) -> list[str]:
    """Questions of the BHAM questionnaire that take evidence, outside the section the form views load
    (so uploads do not make that section grow during the run)."""
    import hamscore

    q = hamscore.load((ROOT / "questionnaires" / "bham.toml").read_text(encoding="utf-8"))
    return [
        question.id
        for ind in q.indicators
        if ind.id != section
        for question in ind.questions
        if question.evidence != "none"
    ]


async def more_questions(
    port: int, cookies: str, submission: int, section_path: str
) -> list[tuple[str, str, str]]:
    """Single-choice questions of every section (id, option A, option B), for autosaves that never share a
    question between two requests in flight."""
    conn = Connection(port, cookies)
    await conn.open()
    _, page, _ = await conn.request("GET", section_path)
    sections = dict.fromkeys(
        re.findall(rf'href="/submissions/{submission}/sections/([a-z0-9_]+)"'.encode(), page)
    )
    found: dict[str, tuple[str, str, str]] = {}
    for section in sections:
        _, page, _ = await conn.request("GET", f"/submissions/{submission}/sections/{section.decode()}")
        for qid in re.findall(rb'id="q-([a-z0-9_]+)">', page):
            forms = re.findall(rb'<form class="answer"[^>]*answers/' + qid + rb'".*?</form>', page, re.S)
            values = re.findall(rb'type="radio" name="value" value="([^"]+)"', forms[0]) if forms else []
            if len(values) >= 2:
                found[qid.decode()] = (qid.decode(), values[0].decode(), values[1].decode())
    conn.close()
    return list(found.values())


class Mix:
    """What each scheduled request is: a route name and the bytes to send."""

    def __init__(self, company, result, ranking, evidence: list[str], seed: int) -> None:
        self.cookies, self.token, self.submission, self.section_path, self.questions = company
        self.result_cookies, self.result_path = result
        self.ranking_cookies = ranking
        self.evidence = evidence
        self.versions: dict[str, int] = {}
        self.rng = random.Random(seed)
        self.free: list[tuple[str, str, str]] = list(self.questions)
        self.names = list(MIX)
        self.weights = [MIX[n] for n in self.names]
        self.uploads = 0

    def pick(self) -> str:
        return self.rng.choices(self.names, self.weights)[0]

    def request(self, route: str, index: int) -> tuple[str, str, str, bytes, dict[str, str]]:
        hx = {"HX-Request": "true"}
        if route == "form":
            return self.cookies, "GET", self.section_path, b"", hx
        if route == "result":
            return self.result_cookies, "GET", self.result_path, b"", {}
        if route == "ranking":
            return self.ranking_cookies, "GET", "/taskforce", b"", {}
        if route == "autosave":
            from urllib.parse import urlencode

            # A question is taken while its save is in flight, so saves never conflict, and every save
            # changes the stored value (it follows the version's parity).
            qid, first, second = self.free.pop(self.rng.randrange(len(self.free)))
            version = self.versions.get(qid, 0)
            self.versions[qid] = version + 1
            body = urlencode({"value": second if version % 2 else first, "version": str(version)}).encode()
            headers = {**hx, "X-CSRF-Token": self.token, "Content-Type": "application/x-www-form-urlencoded"}
            return self.cookies, "POST", f"/submissions/{self.submission}/answers/{qid}", body, headers
        qid = self.evidence[self.uploads % len(self.evidence)]
        self.uploads += 1
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="bukti.pdf"\r\n'
                "Content-Type: application/pdf\r\n\r\n"
            ).encode()
            + PDF
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {
            **hx,
            "X-CSRF-Token": self.token,
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        }
        return self.cookies, "POST", f"/submissions/{self.submission}/evidence/{qid}", body, headers


async def run_mix(port: int, mix: Mix, *, rate: float | None, seconds: float, connections: int) -> dict:
    """Open loop at ``rate`` requests/s, or closed loop (saturation) when ``rate`` is None."""
    conns = [Connection(port, "") for _ in range(connections)]
    await open_all(conns)
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    queue: asyncio.Queue[tuple[float, str] | None] = asyncio.Queue()
    end = time.perf_counter() + seconds

    async def send(index: int, conn: Connection, route: str, scheduled: float) -> None:
        if route == "autosave" and not mix.free:
            route = "form"  # every question has a save in flight (only with more connections than questions)
        conn.cookies, method, path, body, headers = mix.request(route, index)
        status, _, _ = await conn.request(method, path, body, headers)
        if route == "autosave":
            qid = path.rsplit("/", 1)[-1]
            mix.free.append(next(q for q in mix.questions if q[0] == qid))
        latencies[route].append((time.perf_counter() - scheduled) * 1000)
        if status != 200:
            errors[route] += 1

    async def open_loop_worker(index: int, conn: Connection) -> None:
        while (item := await queue.get()) is not None:
            await send(index, conn, item[1], item[0])

    async def closed_loop_worker(index: int, conn: Connection) -> None:
        while time.perf_counter() < end:
            await send(index, conn, mix.pick(), time.perf_counter())

    start = time.perf_counter()
    if rate is None:
        await asyncio.gather(*(closed_loop_worker(i, c) for i, c in enumerate(conns)))
    else:
        workers = [asyncio.create_task(open_loop_worker(i, c)) for i, c in enumerate(conns)]
        for i in range(int(rate * seconds)):
            at = start + i / rate
            delay = at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            queue.put_nowait((at, mix.pick()))
        for _ in workers:
            queue.put_nowait(None)
        await asyncio.gather(*workers)
    elapsed = time.perf_counter() - start
    for c in conns:
        c.close()
    return {"elapsed": elapsed, "latencies": dict(latencies), "errors": dict(errors)}


def report(title: str, result: dict) -> None:
    lat, errors, elapsed = result["latencies"], result["errors"], result["elapsed"]
    everything = [x for values in lat.values() for x in values]
    print(
        f"\n{title}: {len(everything) / elapsed:.0f} requests/s over {elapsed:.1f} s, "
        f"{sum(errors.values())} errors"
    )
    print(f"  {'route':<9} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7}")
    for route in [*MIX, "all"]:
        values = everything if route == "all" else lat.get(route, [])
        if not values:
            continue
        n_errors = sum(errors.values()) if route == "all" else errors.get(route, 0)
        print(
            f"  {route:<9} {len(values) / elapsed:7.0f} {percentile(values, 50):8.1f} "
            f"{percentile(values, 99):8.1f} {max(values):8.1f} {n_errors:7d}"
        )


async def drive(port: int, database_url: str, args: argparse.Namespace) -> None:
    from webapp.demo import DEMO_PASSWORD

    company = await setup(port)
    questions = await more_questions(port, company[0], company[2], company[3])
    company = (*company[:4], questions)
    section = company[3].rstrip("/").rsplit("/", 1)[-1]
    result_cookies, _ = await login(port, "dewi@demo.hamscore.id", DEMO_PASSWORD)
    ranking_cookies, _ = await login(port, "reviewer@demo.hamscore.id", DEMO_PASSWORD)
    mix = Mix(
        company,
        (result_cookies, f"/submissions/{submitted_result(database_url)}/result"),
        ranking_cookies,
        evidence_questions(section),
        seed=args.seed,
    )
    connections = min(args.connections, len(company[4]))
    print(f"server on 127.0.0.1:{port}, {args.workers} workers; {connections} connections; form {company[3]}")
    await run_mix(port, mix, rate=50, seconds=2, connections=connections)  # warm-up
    report(
        f"steady {args.rate:.0f}/s",
        await run_mix(port, mix, rate=args.rate, seconds=args.seconds, connections=connections),
    )
    report(
        "saturation", await run_mix(port, mix, rate=None, seconds=args.seconds / 2, connections=connections)
    )


def main() -> int:
    import logging

    logging.disable(logging.INFO)  # the set-up's migrations and requests; the server logs to its own file
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rate", type=float, default=400.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if not 0 < args.seconds <= 300 or not 0 < args.rate <= 5000:
        raise SystemExit("keep it bounded: --seconds up to 300, --rate up to 5000")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        admin = None
        if args.database == "sqlite":
            url = f"sqlite:///{workdir / 'hamscore.db'}"
        else:
            import sqlalchemy as sa

            name = f"hamscore_load_{uuid.uuid4().hex[:12]}"
            admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.exec_driver_sql(f'CREATE DATABASE "{name}"')
            url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        try:
            env = prepare_database(url, workdir)
            process, port = start_server(env, workdir, args.workers)
            try:
                print(
                    f"{args.database}, {dt.date.today()}, {os.cpu_count()} cores shared by server and client"
                )
                asyncio.run(drive(port, url, args))
            finally:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        finally:
            if admin is not None:
                with admin.connect() as c:
                    c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
