"""hamscore: transparent business human-rights scoring.

Load a questionnaire, score answers, read why::

    import hamscore
    q = hamscore.load("questionnaires/bham.toml")
    a = q.score({"profile": {"size": "kecil", "sector": "C"}, "answers": {...}})
    a.rating, a.total, a.explain(lang="id")

The method is documented in docs/methodology.md; this module's names are the public contract.
"""

from hamscore.assessment import Assessment, Cap, Gap, IndicatorScore
from hamscore.model import (
    DateQuestion,
    Definition,
    Indicator,
    MultiQuestion,
    NumberBand,
    NumberQuestion,
    Option,
    Question,
    Rating,
    RatingBand,
    SingleQuestion,
    Text,
    TextQuestion,
)
from hamscore.problems import AnswerError, Code, DefinitionError, Problem
from hamscore.questionnaire import Questionnaire, check, load
from hamscore.ranking import rank
from hamscore.text import text

__all__ = [
    "AnswerError",
    "Assessment",
    "Cap",
    "Code",
    "DateQuestion",
    "Definition",
    "DefinitionError",
    "Gap",
    "Indicator",
    "IndicatorScore",
    "MultiQuestion",
    "NumberBand",
    "NumberQuestion",
    "Option",
    "Problem",
    "Question",
    "Questionnaire",
    "Rating",
    "RatingBand",
    "SingleQuestion",
    "Text",
    "TextQuestion",
    "check",
    "load",
    "rank",
    "score",
    "text",
]

__version__ = "0.1.0"


def score(questionnaire: Questionnaire, doc: object, *, mode: str = "self", lang: str | None = None) -> Assessment:
    """Score ``doc`` with ``questionnaire``; the same as ``questionnaire.score(doc, ...)``."""
    return questionnaire.score(doc, mode=mode, lang=lang)
