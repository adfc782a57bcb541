"""Races a deadline day produces: the same answer saved at once from several tabs, saves arriving out of
order, the submit button pressed ten times at once. None may lose the newer value silently or make two
snapshots."""

from __future__ import annotations

import threading

import httpx
import sqlalchemy as sa

from tests.durability.conftest import saved_version


def _parallel(n: int, call) -> list[httpx.Response]:
    barrier = threading.Barrier(n)
    results: list[httpx.Response | None] = [None] * n

    def run(i: int) -> None:
        with httpx.Client(timeout=30) as client:
            barrier.wait()
            results[i] = call(i, client)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(r is not None for r in results)
    return results  # type: ignore[return-value]


def _stored(url: str, submission: int, question: str) -> tuple[object, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as c:
            query = sa.text("SELECT value, version FROM answers WHERE submission_id = :s AND question = :q")
            rows = c.execute(query.columns(value=sa.JSON), {"s": submission, "q": question}).all()
    finally:
        engine.dispose()
    assert len(rows) == 1, rows
    return rows[0][0], rows[0][1]


def test_it_lets_one_of_ten_simultaneous_saves_of_one_version_win_and_tells_the_others(server, siti):
    person, submission = siti
    first = person.post(f"/submissions/{submission}/answers/q01", {"value": "awal", "version": "0"})
    assert first.status_code == 200
    version = saved_version(first, "q01")

    responses = _parallel(
        10,
        lambda i, client: person.post(
            f"/submissions/{submission}/answers/q01",
            {"value": f"tab-{i}", "version": str(version)},
            client=client,
        ),
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] + [409] * 9, codes
    winner = next(i for i, r in enumerate(responses) if r.status_code == 200)
    assert _stored(server.database_url, submission, "q01") == (f"tab-{winner}", version + 1)


def test_it_refuses_a_late_save_of_an_older_value_instead_of_overwriting_the_newer_one(server, siti):
    person, submission = siti
    path = f"/submissions/{submission}/answers/q02"
    older = person.post(path, {"value": "draf pertama", "version": "0"})
    newer = person.post(path, {"value": "draf kedua", "version": str(saved_version(older, "q02"))})
    assert newer.status_code == 200
    # The first save's retry arrives last, still carrying the version it was typed against.
    late = person.post(path, {"value": "draf pertama", "version": "0"})
    assert late.status_code == 409
    assert "draf kedua" in late.text  # the conflict shows the newer value next to the late one
    assert _stored(server.database_url, submission, "q02") == ("draf kedua", 2)


def test_it_makes_one_snapshot_from_ten_identical_parallel_submits(server, siti):
    person, submission = siti
    assert (
        person.post(f"/submissions/{submission}/answers/policy", {"value": "yes", "version": "0"}).status_code
        == 200
    )

    responses = _parallel(
        10, lambda i, client: person.post(f"/submissions/{submission}/submit", client=client)
    )
    assert {r.status_code for r in responses} == {204}, [r.text[:200] for r in responses]
    assert {r.headers["hx-redirect"] for r in responses} == {f"/submissions/{submission}/result"}
    engine = sa.create_engine(server.database_url)
    with engine.connect() as c:
        snapshots = c.execute(
            sa.text("SELECT count(*) FROM snapshots WHERE submission_id = :s"), {"s": submission}
        ).scalar()
        status = c.execute(
            sa.text("SELECT status FROM submissions WHERE id = :s"), {"s": submission}
        ).scalar()
    engine.dispose()
    assert (snapshots, status) == (1, "submitted")
    assert person.get(f"/submissions/{submission}/result").status_code == 200
