"""Speed targets of the library on a 140-question, 12-indicator questionnaire (see issue 2).

Run with ``make bench`` (``pytest benchmarks --benchmark-enable``). Each benchmark asserts its
target, and the ratios against the yardsticks measured in the same run.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import polars as pl

import hamscore
from benchmarks.conftest import ROWS
from benchmarks.reference import walk
from hamscore.bulk import score_frame


def median_seconds(fn: Callable[[], Any], *, repeat: int, number: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


def test_one_submission_is_scored_within_25_microseconds(benchmark, questionnaire, docs):
    doc = docs[0]
    benchmark.pedantic(questionnaire.score, args=(doc,), rounds=2000, iterations=5, warmup_rounds=100)
    median = benchmark.stats.stats.median
    reference = median_seconds(lambda: walk(questionnaire.definition, doc), repeat=9, number=20)
    benchmark.extra_info.update(median_us=median * 1e6, reference_walk_us=reference * 1e6)
    assert median <= 25e-6, f"median {median * 1e6:.1f} µs"
    assert reference >= 4 * median, f"only {reference / median:.1f}x faster than the reference walk"


def test_loading_and_checking_the_definition_takes_at_most_20_ms(benchmark, definition):
    benchmark.pedantic(hamscore.load, args=(definition,), rounds=20, warmup_rounds=2)
    assert benchmark.stats.stats.median <= 0.020


def test_ten_thousand_submissions_in_memory_take_at_most_30_ms(benchmark, questionnaire, frame):
    benchmark.pedantic(score_frame, args=(questionnaire, frame), rounds=10, warmup_rounds=1)
    assert benchmark.stats.stats.median <= 0.030


def test_a_million_submissions_from_parquet_take_at_most_one_and_a_half_seconds(
        benchmark, questionnaire, docs, million_rows_file):
    def bulk() -> pl.DataFrame:
        # Scanned and scored in batches by the streaming engine, which overlaps reading and scoring.
        return score_frame(questionnaire, pl.scan_parquet(million_rows_file)).collect(engine="streaming")

    scored = benchmark.pedantic(bulk, rounds=2, warmup_rounds=0)
    assert scored.height == ROWS
    assert scored["valid"].all()
    seconds = benchmark.stats.stats.median
    read = median_seconds(lambda: pl.read_parquet(million_rows_file), repeat=3, number=1)
    sample = docs[:2000]
    loop = median_seconds(lambda: [questionnaire.score(d) for d in sample], repeat=3, number=1) * ROWS / len(sample)
    benchmark.extra_info.update(seconds=seconds, read_parquet_seconds=read, single_loop_seconds_extrapolated=loop)
    assert seconds <= 1.5, f"{seconds:.2f} s"
    assert seconds <= 3 * read, f"{seconds / read:.1f}x the bare read"
    assert loop >= 25 * seconds, f"only {loop / seconds:.1f}x faster than a loop over the single scorer"
