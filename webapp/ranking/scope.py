"""Who may see which region: the one place that turns a user into an SQL condition.

A reviewer belongs to a province ("36"), a regency ("36.73") or, with an empty region, the whole country;
an admin sees the whole country; company users never reach the task-force workspace. Every query of the
workspace puts ``Scope.rows()`` or ``Scope.companies()`` in its WHERE clause, so a record of another
region is simply not found, whatever id or filter the request sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import true

from webapp.db.models import Company, User
from webapp.db.taskforce import RankingRow
from webapp.regions import regions
from webapp.web import Current, NotFound

__all__ = ["TASKFORCE_ROLES", "Scope", "scope_for_user", "scope_of"]

TASKFORCE_ROLES = ("reviewer", "admin")


@dataclass(frozen=True)
class Scope:
    user: User
    # "" for the whole country, a province code ("36") or a regency code ("36.73").
    region: str

    @property
    def national(self) -> bool:
        return self.region == ""

    @property
    def is_regency(self) -> bool:
        return "." in self.region

    def rows(self) -> Any:
        """SQL condition on ``RankingRow``."""
        if self.national:
            return true()
        if self.is_regency:
            return RankingRow.regency == self.region
        return RankingRow.province == self.region

    def companies(self) -> Any:
        """SQL condition on ``Company``."""
        if self.national:
            return true()
        if self.is_regency:
            return Company.regency == self.region
        return Company.province == self.region

    def regencies(self) -> list[tuple[str, str]]:
        """(code, name) of the regencies a reviewer may filter by."""
        all_regions = regions()
        if self.is_regency:
            return [(self.region, all_regions.name(self.region))]
        if self.national:
            return [(r.code, r.name) for r in all_regions.regencies]
        return [(r.code, r.name) for r in all_regions.regencies_of(self.region)]

    def label(self) -> str:
        return regions().name(self.region) if self.region else ""


def scope_for_user(user: User | None) -> Scope:
    """The scope of a task-force user; anyone else gets NotFound (the workspace does not exist for them)."""
    if user is None or user.role not in TASKFORCE_ROLES:
        raise NotFound
    return Scope(user=user, region=user.region if user.role == "reviewer" else "")


def scope_of(current: Current) -> Scope:
    return scope_for_user(current.require_user())
