"""Comparing scores after rounding to 6 places, without rounding every score.

The method compares scores with band limits after ``round(x, 6)`` so that a difference in the last
binary digit can never flip a rating. ``round`` on a float is slow (it goes through decimal
digits), and it is monotone, so each limit is turned once into the smallest float that rounds up
to it: ``round(x, 6) >= limit`` exactly when ``x >= threshold(limit)``.
"""

from __future__ import annotations

import struct

__all__ = ["PLACES", "threshold"]

PLACES = 6


def _key(x: float) -> int:
    """An integer that orders like the float (the float's bits, negatives mirrored)."""
    (bits,) = struct.unpack("<q", struct.pack("<d", x))
    return int(bits) if bits >= 0 else -(bits & 0x7FFFFFFFFFFFFFFF)


def _value(k: int) -> float:
    bits = k if k >= 0 else (-k) | -0x8000000000000000
    (x,) = struct.unpack("<d", struct.pack("<q", bits))
    return float(x)


def threshold(limit: float) -> float:
    """The smallest float ``t`` with ``round(t, 6) >= limit``.

    >>> t = threshold(80.0)
    >>> round(t, 6) >= 80.0, round(t - 1e-12, 6) >= 80.0
    (True, False)
    >>> threshold(80.0) < 80.0
    True
    """
    lo, hi = _key(limit - 1.0), _key(limit + 1.0)  # round(lo) < limit <= round(hi)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if round(_value(mid), PLACES) >= limit:
            hi = mid
        else:
            lo = mid
    return _value(hi)
