"""Each worker's memory of the forms it read lately: answers and what follows from them, by revision.

A form is read on every section view and every autosave, and most of that read is the same from one
request to the next: a hundred answers, decoded, and the questions and progress worked out from them.
Each submission carries a revision that every change of its answers moves, and each answer row the
revision it was written at (migration fc01). A worker that read a form at revision 7 and finds the
submission at revision 9 reads only the answers written after 7, and keeps the rest; finding it at 7 it
reads no answer at all. Nothing is trusted without that check against the database, so any worker serves
any request, and workers never need to tell each other anything.

Only answers and their consequences are kept. The submission's status and its cycle, and the evidence
files, are read on every request. An entry is also used only for the same questionnaire and the same
company profile (conditions read the profile). A colleague's new name reaches the "saved by" line with
their next answer, or when the worker reads that form afresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, NamedTuple

__all__ = ["CachedForm", "FormCache"]


class CachedForm(NamedTuple):
    """A form's answers at one revision and what follows from them. Shared by every request that uses
    it: its mappings and lists are never changed, only replaced."""

    revision: int
    definition_id: int
    profile: Mapping[str, Any]
    answers: Mapping[str, Any]  # question id -> webapp.assessments.services.StoredAnswer
    editors: Mapping[int, str]
    applicable: frozenset[str]
    indicators: tuple[Any, ...]  # webapp.assessments.services.IndicatorProgress
    completeness: float


class FormCache:
    """The ``size`` forms this worker used last, by submission id.

    >>> cache = FormCache(size=1)
    >>> form = CachedForm(3, 1, {}, {}, {}, frozenset(), (), 0.0)
    >>> cache.put(10, form)
    >>> cache.get(10).revision
    3
    >>> cache.put(11, form._replace(revision=1))
    >>> cache.get(10) is None    # the oldest went
    True
    """

    def __init__(self, *, size: int = 512) -> None:
        self.size = size
        self._forms: OrderedDict[int, CachedForm] = OrderedDict()
        # Handlers on the event loop and those on worker threads share the cache.
        self._lock = threading.Lock()

    def get(self, submission_id: int) -> CachedForm | None:
        with self._lock:
            form = self._forms.get(submission_id)
            if form is not None:
                self._forms.move_to_end(submission_id)
            return form

    def put(self, submission_id: int, form: CachedForm) -> None:
        """Remember ``form`` in place of what was known of the submission. (An older revision replacing a
        newer one costs the next read a few more rows, never a wrong answer.)"""
        with self._lock:
            self._forms[submission_id] = form
            self._forms.move_to_end(submission_id)
            while len(self._forms) > self.size:
                self._forms.popitem(last=False)
