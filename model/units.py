"""Money units: yuan inside the model, 万元 (10,000 yuan) in every report."""

from __future__ import annotations

YUAN_PER_WAN = 10_000.0
WAN = YUAN_PER_WAN  # divide yuan by this for 万元


def to_wan(yuan: float) -> float:
    return yuan / YUAN_PER_WAN
