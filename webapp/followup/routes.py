"""Routes (filled in below)."""

from typing import Any

ROUTES: list[Any] = []
