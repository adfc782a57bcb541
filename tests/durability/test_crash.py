"""Nothing acknowledged is lost when the server is killed: SIGKILL at random points of a burst of
sequenced autosaves, a restart, and every answer Siti saw as saved is there with its latest value."""

from __future__ import annotations

import random
import sqlite3
import threading
import time

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.durability.conftest import QUESTIONS, Person, saved_version

ROUNDS = 2
WRITERS = 4


class Writer(threading.Thread):
    """Owns a few questions and saves ``w<writer>-<seq>`` values to them in turn until the server dies.

    ``acked[q]`` is the last value the server answered 200 for; ``in_flight[q]`` the value sent after it
    whose answer never came. Either may be stored after a crash; anything else is a lost or invented answer.
    """

    def __init__(
        self, person: Person, submission: int, index: int, questions: list[str], versions: dict[str, int]
    ):
        super().__init__(daemon=True)
        self.person, self.submission, self.index = person, submission, index
        self.questions = questions
        self.versions = versions
        self.acked: dict[str, str] = {}
        self.in_flight: dict[str, tuple[str, int]] = {}
        self.saves = 0
        self.unexpected: list[str] = []

    def run(self) -> None:
        seq = 0
        with httpx.Client(timeout=10) as client:
            while True:
                q = self.questions[seq % len(self.questions)]
                value = f"w{self.index}-{seq}"
                self.in_flight[q] = (value, self.versions.get(q, 0))
                try:
                    response = self.person.post(
                        f"/submissions/{self.submission}/answers/{q}",
                        {"value": value, "version": str(self.versions.get(q, 0))},
                        client=client,
                    )
                except httpx.HTTPError:
                    return
                if response.status_code != 200:
                    self.unexpected.append(f"{q}={value}: {response.status_code}")
                    return
                self.versions[q] = saved_version(response, q)
                self.acked[q] = value
                del self.in_flight[q]
                self.saves += 1
                seq += 1


def stored_answers(url: str, submission: int) -> dict[str, list[tuple[str, int]]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as c:
            query = sa.text("SELECT question, value, version FROM answers WHERE submission_id = :s")
            rows = c.execute(query.columns(value=sa.JSON), {"s": submission}).all()
    finally:
        engine.dispose()
    found: dict[str, list[tuple[str, int]]] = {}
    for question, value, version in rows:
        found.setdefault(question, []).append((value, version))
    return found


def integrity(url: str) -> str:
    path = make_url(url).database
    connection = sqlite3.connect(path)
    try:
        return "; ".join(r[0] for r in connection.execute("PRAGMA integrity_check"))
    finally:
        connection.close()


def test_it_keeps_every_acknowledged_autosave_through_sigkill(server, siti):
    person, submission = siti
    rng = random.Random()
    versions: dict[str, int] = {}
    acked: dict[str, str] = {}
    total = 0
    for round_ in range(ROUNDS):
        writers = [Writer(person, submission, i, QUESTIONS[i::WRITERS], versions) for i in range(WRITERS)]
        for w in writers:
            w.start()
        time.sleep(rng.uniform(0.3, 1.2))
        server.kill()
        for w in writers:
            w.join(timeout=30)
        assert not any(w.is_alive() for w in writers)
        for w in writers:
            assert not w.unexpected, w.unexpected
            acked.update(w.acked)
        total += sum(w.saves for w in writers)
        in_flight = {q: v for w in writers for q, v in w.in_flight.items()}

        if server.database_url.startswith("sqlite"):
            assert integrity(server.database_url) == "ok"
        stored = stored_answers(server.database_url, submission)
        for q, rows in stored.items():
            assert len(rows) == 1, f"{q} is stored {len(rows)} times"
        for q, value in acked.items():
            allowed = {value} | ({in_flight[q][0]} if q in in_flight else set())
            assert stored[q][0][0] in allowed, (
                f"round {round_}: {q} acknowledged {value!r}, stored {stored[q]}"
            )

        # The browser re-sends what got no answer, with the version it had; that is a success (the value
        # made it or it did not, either way it is stored once) and never a duplicate.
        server.start()
        with httpx.Client(timeout=10) as client:
            for q, (value, version) in in_flight.items():
                response = person.post(
                    f"/submissions/{submission}/answers/{q}",
                    {"value": value, "version": str(version)},
                    client=client,
                )
                assert response.status_code == 200, response.text
                versions[q] = saved_version(response, q)
                acked[q] = value
        stored = stored_answers(server.database_url, submission)
        assert all(len(rows) == 1 for rows in stored.values())
        assert {q: rows[0][0] for q, rows in stored.items()} == acked
        assert {q: rows[0][1] for q, rows in stored.items()} == versions
    assert total > ROUNDS * 10, f"only {total} saves were acknowledged; the burst did not run"


@pytest.mark.parametrize("kind", ["upload"])
def test_it_never_leaves_a_row_pointing_to_a_missing_file_after_sigkill(server, siti, kind):
    import hashlib
    from pathlib import Path

    person, submission = siti
    uploads = Path(server.env["HAMSCORE_UPLOAD_DIR"])
    stop = threading.Event()
    acked: list[str] = []

    def upload_burst() -> None:
        n = 0
        with httpx.Client(timeout=10) as client:
            while not stop.is_set():
                body = b"%PDF-1.4\n" + f"evidence {n}\n".encode() * 2000 + b"%%EOF\n"
                try:
                    response = person.post(
                        f"/submissions/{submission}/evidence/policy",
                        files={"file": (f"bukti-{n}.pdf", body, "application/pdf")},
                        client=client,
                    )
                except httpx.HTTPError:
                    return
                assert response.status_code == 200, response.text
                acked.append(hashlib.sha256(body).hexdigest())
                n += 1

    for _ in range(2):
        threads = [threading.Thread(target=upload_burst, daemon=True) for _ in range(3)]
        for t in threads:
            t.start()
        time.sleep(random.uniform(0.3, 1.0))
        server.kill()
        for t in threads:
            t.join(timeout=30)
        engine = sa.create_engine(server.database_url)
        with engine.connect() as c:
            rows = c.execute(sa.text("SELECT stored_name, sha256 FROM evidence")).all()
        engine.dispose()
        for stored_name, sha in rows:
            path = uploads / stored_name[:2] / stored_name
            assert path.is_file(), f"row names {stored_name}, which is not on disk"
            assert hashlib.sha256(path.read_bytes()).hexdigest() == sha, f"{stored_name} is not whole"
        assert set(acked) <= {sha for _, sha in rows}
        server.start()
    assert acked, "no upload was acknowledged; the burst did not run"
