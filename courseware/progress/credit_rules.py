"""The conversion rules of the 学时 ledger. Pure functions, no Flask.

CreditRules: how attendance and days of training convert (the CLASSROOM_CREDIT setting; the
classroom applies them to class sessions, the ledger to outside training counted in days).

CourseCreditRule: how a course's 学时 come from its minutes (the COURSE_CREDIT setting), for courses that do not
set them by hand.

The rule is applied to each lesson's minutes and summed, so a course of four 30-minute lessons is
worth four 学时 under the usual table (≥ 30 min = 1, 15–30 = 0.5, < 15 = 0.25); a course whose
completion asks for a passed quiz earns `passed_test` more.
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


def days_hours(rules: CreditRules, days: float) -> float:
    """The 学时 of training counted in days (outside training entered by hand): day_hours for each
    whole day and half_day_hours for a half; days are a multiple of a half."""
    whole, rest = divmod(round(days * 2), 2)
    return round(whole * rules.day_hours + (rules.half_day_hours if rest else 0.0), 2)


DEFAULT_STEPS = ((30, 1.0), (15, 0.5), (0, 0.25))


class CourseCreditError(ValueError):
    """A COURSE_CREDIT setting that cannot be used; the message names the key."""


@dataclass(frozen=True)
class CourseCreditRule:
    # (minimum minutes, 学时) from the longest down: a lesson earns the first step it reaches.
    steps: tuple[tuple[float, float], ...] = DEFAULT_STEPS
    passed_test: float = 0.5  # 学时 added when the completion asks for a passed quiz

    @classmethod
    def from_config(cls, value: dict | None) -> CourseCreditRule:
        value = dict(value or {})
        unknown = sorted(set(value) - {"steps", "passed_test"})
        if unknown:
            raise CourseCreditError(f"COURSE_CREDIT: unknown key {unknown[0]!r}")
        steps = value.get("steps", DEFAULT_STEPS)
        try:
            steps = tuple((float(low), float(hours)) for low, hours in steps)
        except (TypeError, ValueError):
            raise CourseCreditError(
                "COURSE_CREDIT['steps'] must be a list of [minutes, hours] pairs"
            ) from None
        if not steps or any(low < 0 or hours < 0 for low, hours in steps):
            raise CourseCreditError("COURSE_CREDIT['steps'] needs pairs of numbers of at least 0")
        steps = tuple(sorted(steps, reverse=True))
        bonus = value.get("passed_test", 0.5)
        if isinstance(bonus, bool) or not isinstance(bonus, int | float) or bonus < 0:
            raise CourseCreditError("COURSE_CREDIT['passed_test'] must be a number of at least 0")
        return cls(steps, float(bonus))

    def lesson_hours(self, minutes: float) -> float:
        for low, hours in self.steps:
            if minutes >= low:
                return hours
        return 0.0

    def course_hours(self, lesson_minutes: list[float], passed_test: bool) -> float:
        total = sum(self.lesson_hours(m) for m in lesson_minutes if m > 0)
        return round(total + (self.passed_test if passed_test else 0.0), 2)
