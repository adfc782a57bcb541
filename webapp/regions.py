"""Official region codes (Kemendagri): the 38 provinces and Banten's regencies and cities."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

import msgspec

__all__ = ["Region", "Regions", "regions"]


class Region(msgspec.Struct, frozen=True):
    code: str
    name: str


class Regions(msgspec.Struct, frozen=True):
    provinces: tuple[Region, ...]
    regencies: tuple[Region, ...]

    def province(self, code: str) -> Region | None:
        return next((p for p in self.provinces if p.code == code), None)

    def regencies_of(self, province: str) -> tuple[Region, ...]:
        return tuple(r for r in self.regencies if r.code.split(".")[0] == province)

    def name(self, code: str) -> str:
        """The name of a province or regency code, or the code itself when unknown."""
        found = next((r for r in (*self.provinces, *self.regencies) if r.code == code), None)
        return found.name if found else code


@cache
def regions() -> Regions:
    raw = json.loads(files("webapp").joinpath("locales/regions.json").read_text(encoding="utf-8"))
    return Regions(
        provinces=tuple(Region(**p) for p in raw["provinces"]),
        regencies=tuple(Region(**r) for r in raw["regencies"]),
    )
