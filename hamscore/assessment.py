"""The result of scoring one submission: a frozen Struct whose JSON is a public contract."""

from __future__ import annotations

from typing import Literal

import msgspec

__all__ = ["Assessment", "Cap", "Gap", "IndicatorScore"]


class IndicatorScore(msgspec.Struct, frozen=True, kw_only=True):
    """An indicator's score (0..100, or ``None`` when nothing in it counted) and its points."""

    score: float | None
    earned: float
    possible: float


class Cap(msgspec.Struct, frozen=True, kw_only=True):
    """A red flag: the chosen ``option`` of ``question`` makes the rating no better than ``level``."""

    question: str
    option: str
    level: str


class Gap(msgspec.Struct, frozen=True):
    """A question that earned less than it could, and how many total points full credit would add."""

    question: str
    indicator: str
    impact: float
    reason: Literal["unanswered", "answer", "evidence"]
    advice: tuple[str, ...]


_LABELS = {
    "en": {
        "rating": "Rating {rating}",
        "no_rating": "No rating yet: no scored question applies or has been answered",
        "total": "total {total:.1f} of 100",
        "no_total": "no total",
        "capped": "capped at {level} because {question} was answered {option!r}",
        "capped_more": " (and {n} more red flags)",
        "weakest": "weakest indicator {indicator} ({score:.1f})",
        "gap": "the biggest gain is {question} (+{impact:.1f} points, {reason})",
        "complete": "{pct:.0f}% complete",
        "reason": {"unanswered": "unanswered", "answer": "a weaker answer", "evidence": "evidence missing"},
    },
    "id": {
        "rating": "Peringkat {rating}",
        "no_rating": "Belum ada peringkat: belum ada pertanyaan berskor yang berlaku atau dijawab",
        "total": "total {total:.1f} dari 100",
        "no_total": "tanpa total",
        "capped": "dibatasi pada {level} karena {question} dijawab {option!r}",
        "capped_more": " (dan {n} tanda bahaya lain)",
        "weakest": "indikator terlemah {indicator} ({score:.1f})",
        "gap": "perbaikan terbesar: {question} (+{impact:.1f} poin, {reason})",
        "complete": "{pct:.0f}% lengkap",
        "reason": {"unanswered": "belum dijawab", "answer": "jawaban lebih lemah", "evidence": "bukti belum ada"},
    },
}


class Assessment(msgspec.Struct, frozen=True, kw_only=True):
    """The scored submission.

    ``msgspec.json.encode(assessment)`` is the public result JSON. ``explain()`` says in a
    sentence why the rating is what it is.
    """

    questionnaire: str
    version: str
    digest: str
    mode: Literal["self", "verified"]
    total: float | None
    rating: str | None
    completeness: float
    indicators: dict[str, IndicatorScore]
    caps: tuple[Cap, ...]
    gaps: tuple[Gap, ...]

    def explain(self, *, lang: str = "en") -> str:
        """One sentence: the rating, the total, what capped it, the weakest indicator, the best next step.

        Speaks English or Indonesian (``lang="id"``).
        """
        t = _LABELS.get(lang, _LABELS["en"])
        if self.rating is None:
            return str(t["no_rating"]) + "."
        parts = [str(t["rating"]).format(rating=self.rating)]
        parts.append(str(t["total"]).format(total=self.total) if self.total is not None else str(t["no_total"]))
        worst = [c for c in self.caps if c.level == self.rating]
        if worst:
            c = worst[0]
            capped = str(t["capped"]).format(level=c.level, question=c.question, option=c.option)
            if len(self.caps) > 1:
                capped += str(t["capped_more"]).format(n=len(self.caps) - 1)
            parts.append(capped)
        scored = [(k, v.score) for k, v in self.indicators.items() if v.score is not None]
        if scored:
            name, score = min(scored, key=lambda kv: kv[1])
            parts.append(str(t["weakest"]).format(indicator=name, score=score))
        if self.gaps:
            g = self.gaps[0]
            reasons = t["reason"]
            assert isinstance(reasons, dict)
            parts.append(str(t["gap"]).format(question=g.question, impact=g.impact, reason=reasons[g.reason]))
        if self.completeness < 1:
            parts.append(str(t["complete"]).format(pct=self.completeness * 100))
        return "; ".join(parts) + "."

    def to_dict(self) -> dict[str, object]:
        """The result JSON as plain Python data (handy for notebooks and polars)."""
        # Through JSON, so caps, gaps and advice come back as lists, exactly as the public JSON has them.
        result: dict[str, object] = msgspec.json.decode(msgspec.json.encode(self))
        return result

    def _repr_markdown_(self) -> str:
        lines = [f"**{self.questionnaire} {self.version}** — {self.explain()}", "", "| indicator | score |", "|---|---|"]
        for key, ind in self.indicators.items():
            lines.append(f"| {key} | {'—' if ind.score is None else f'{ind.score:.1f}'} |")
        return "\n".join(lines)
