"""How attendance at a class session turns into 学时: the organisation's conversion rules.

A day of full-time (脱产) training is credited as 6 or 8 学时 and a half day as 3 or 4, depending
on the organisation; shorter sessions earn their clock hours times a rate, rounded to a step; and no
learner earns more in-person 学时 on one day than the cap. The rules are the CLASSROOM_CREDIT
setting (see defaults.py); pure functions, no Flask.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

ROUNDING_MODES = ("down", "nearest", "up")


class RulesError(ValueError):
    """A conversion rule that cannot be used; the message names the setting."""


@dataclass(frozen=True)
class CreditRules:
    day_hours: float = 6.0  # 学时 credited for a day of training
    day_threshold: float = 6.0  # clock hours from which a session counts as a day
    half_day_hours: float = 3.0  # 学时 credited for a half day
    half_day_threshold: float = 3.0  # clock hours from which a session counts as a half day
    per_hour: float = 1.0  # 学时 per clock hour for a shorter session
    rounding: float = 0.5  # credit is rounded to a multiple of this (0: not rounded)
    rounding_mode: str = "down"  # down | nearest | up
    day_cap: float = 8.0  # most in-person 学时 per learner per day (0: no cap)
    late_share: float = 1.0  # the share of the credit a late arrival earns

    @classmethod
    def from_config(cls, value: dict | None) -> CreditRules:
        """The rules from the setting, every key checked: unknown keys and bad values are refused."""
        value = dict(value or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(value) - known)
        if unknown:
            raise RulesError(f"CLASSROOM_CREDIT: unknown key {unknown[0]!r}")
        for key, item in value.items():
            if key == "rounding_mode":
                if item not in ROUNDING_MODES:
                    raise RulesError(
                        f"CLASSROOM_CREDIT[{key!r}] must be one of {', '.join(ROUNDING_MODES)}"
                    )
            elif isinstance(item, bool) or not isinstance(item, int | float) or item < 0:
                raise RulesError(f"CLASSROOM_CREDIT[{key!r}] must be a number of at least 0")
        rules = cls(**value)
        if rules.late_share > 1:
            raise RulesError("CLASSROOM_CREDIT['late_share'] must be at most 1")
        if rules.half_day_threshold > rules.day_threshold:
            raise RulesError(
                "CLASSROOM_CREDIT['half_day_threshold'] must not exceed 'day_threshold'"
            )
        return rules

    def round(self, hours: float) -> float:
        if not self.rounding:
            return round(hours, 2)
        steps = hours / self.rounding
        # A hair of float error must not drop a whole step (2.9999999 → 3).
        if self.rounding_mode == "down":
            steps = math.floor(steps + 1e-9)
        elif self.rounding_mode == "up":
            steps = math.ceil(steps - 1e-9)
        else:
            steps = math.floor(steps + 0.5)
        return round(steps * self.rounding, 2)


def session_hours(rules: CreditRules, planned_hours: float) -> float:
    """The 学时 a session of these clock hours is worth to a learner present throughout."""
    if planned_hours <= 0:
        return 0.0
    if planned_hours >= rules.day_threshold:
        return rules.day_hours
    if planned_hours >= rules.half_day_threshold:
        return rules.half_day_hours
    return rules.round(planned_hours * rules.per_hour)


def learner_hours(
    rules: CreditRules, planned_hours: float, late: bool, already_that_day: float
) -> float:
    """The 学时 one learner is credited: the session's worth, the late share, then the daily cap
    less what the learner already holds that day."""
    hours = session_hours(rules, planned_hours)
    if late:
        hours = rules.round(hours * rules.late_share)
    if rules.day_cap:
        hours = min(hours, max(0.0, rules.day_cap - already_that_day))
    return round(max(hours, 0.0), 2)
