"""How attendance at a class session turns into 学时: the organisation's conversion rules.

A day of full-time (脱产) training is credited as 6 or 8 学时 and a half day as 3 or 4, depending
on the organisation; shorter sessions earn their clock hours times a rate, rounded to a step; and no
learner earns more in-person 学时 on one day than the cap. The rules are the CLASSROOM_CREDIT
setting (see defaults.py); pure functions, no Flask.
"""

from __future__ import annotations

# The rules live with the ledger, which converts days of outside training by them too.
from courseware.progress.credit_rules import CreditRules, ROUNDING_MODES, RulesError

__all__ = ["CreditRules", "ROUNDING_MODES", "RulesError", "learner_hours", "session_hours"]


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
