"""What the projector shows a whole class: the inject every team has just seen, and the teams'
metrics drawn on one shared scale, so a team's bar can be compared with the next one's.

No Flask: plain values in, plain values out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from courseware.exercises.engine import Event, State
from courseware.exercises.scenario import MAIN, Scenario


def current_event(scenario: Scenario, state: State) -> Event | None:
    """The newest message every team has seen: an inject of the main timeline, or one the
    instructor wrote. Branches and triggered injects are one team's own, so they are left out."""
    for event in reversed(state.log):
        if event.kind == "adhoc":
            return event
        if event.kind == "inject":
            inject = scenario.inject(event.inject)
            if inject is not None and inject.branch == MAIN and inject.trigger is None:
                return event
    return None


@dataclass(frozen=True)
class TeamScale:
    """Bar lengths (0–100) for each team's metrics on scales every team shares: rumour reach on a
    logarithmic scale from `low` to `high` (powers of ten, as reach grows geometrically), public
    sentiment and trust from 0 to 100."""

    low: int
    high: int
    ticks: list[int]
    bars: list[dict]

    @property
    def tick_positions(self) -> list[tuple[int, float]]:
        """Each power of ten on the reach scale, with where it falls (0–100)."""
        return [
            (t, _reach_length(t, self.low, self.high) if t > self.low else 0.0) for t in self.ticks
        ]


def _reach_length(reach: float, low: int, high: int) -> float:
    if reach <= low:
        return 0.0
    return round(min(100.0, 100 * math.log10(reach / low) / math.log10(high / low)), 1)


def team_scale(states: list[State]) -> TeamScale:
    """One scale for all the teams of a live class."""
    reaches = [max(1, s.total_reach) for s in states] or [1]
    # The decade below the smallest reach, so that even the smallest has a bar to compare.
    low = max(1, 10 ** (math.ceil(math.log10(min(reaches))) - 1))
    high = 10 ** math.ceil(math.log10(max(reaches)))
    if high <= low:
        high = low * 10
    ticks = [10**p for p in range(round(math.log10(low)), round(math.log10(high)) + 1)]
    bars = [
        {
            "reach": _reach_length(s.total_reach, low, high),
            "sentiment": round(max(0.0, min(100.0, s.sentiment)), 1),
            "trust": round(max(0.0, min(100.0, s.trust)), 1),
        }
        for s in states
    ]
    return TeamScale(low, high, ticks, bars)
