"""Pure rules of a throttle: a limit per window, and the answer for a list of hit times."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_WINDOW = timedelta(days=3)
"""No throttle looks further back than this (the rights code's 72 hours): Garant's own
retention deletes hits a day after it (``garant.retention.own.throttle_hits_rule``)."""


@dataclass(frozen=True)
class Rule:
    """At most ``limit`` counted hits per ``window`` for one key of ``scope``."""

    scope: str
    limit: int
    window: timedelta

    def __post_init__(self) -> None:
        if self.limit < 1 or self.window <= timedelta(0):
            raise ValueError(f"throttle {self.scope}: limit >= 1 and a positive window")
        if self.window > MAX_WINDOW:
            raise ValueError(f"throttle {self.scope}: a window of {MAX_WINDOW.days} days at most")
        if not self.scope or len(self.scope) > 60:
            raise ValueError("throttle scope: 1 to 60 characters")


@dataclass(frozen=True)
class Verdict:
    """``allowed``: this hit is within the limit; ``retry_after``: seconds until one is."""

    allowed: bool
    count: int
    limit: int
    retry_after: int

    @property
    def remaining(self) -> int:
        return max(self.limit - self.count, 0)


def verdict(times: list[datetime], *, now: datetime, rule: Rule, counted: bool) -> Verdict:
    """The answer given the hits in the window (``counted``: this hit is among them).

    A new hit is allowed once at most ``limit - 1`` hits remain in the window, i.e. when
    the oldest ones that exceed that number have left it.
    """
    inside = sorted(t for t in times if t > now - rule.window)
    count = len(inside)
    allowed = count <= rule.limit if counted else count < rule.limit
    retry = 0
    if count >= rule.limit:
        leaves = inside[count - rule.limit] + rule.window
        retry = max(math.ceil((leaves - now).total_seconds()), 1)
    return Verdict(allowed=allowed, count=count, limit=rule.limit, retry_after=retry)
