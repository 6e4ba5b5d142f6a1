"""The conversion rules from a session's clock hours to in-person 学时."""

import pytest

from courseware.classroom.credit import CreditRules, learner_hours, RulesError, session_hours

SIX_THREE = CreditRules()
EIGHT_FOUR = CreditRules(day_hours=8, half_day_hours=4, day_cap=8)


@pytest.mark.parametrize(
    ("rules", "planned", "expected"),
    [
        (SIX_THREE, 7, 6),  # a day
        (SIX_THREE, 6, 6),
        (SIX_THREE, 3.5, 3),  # a half day
        (SIX_THREE, 3, 3),
        (SIX_THREE, 2.9, 2.5),  # shorter: clock hours rounded down to a half
        (SIX_THREE, 1.2, 1),
        (SIX_THREE, 0, 0),
        (EIGHT_FOUR, 6.5, 8),
        (EIGHT_FOUR, 4, 4),
        (CreditRules(rounding=1, rounding_mode="nearest"), 2.5, 3),
        (CreditRules(rounding=1, rounding_mode="up"), 1.1, 2),
        (CreditRules(rounding=0), 1.25, 1.25),
        (CreditRules(per_hour=1.5, rounding=0.5), 2, 3),  # 45-minute 学时: 2 h is 3 学时
    ],
)
def test_a_session_is_worth_its_day_half_day_or_rounded_hours(rules, planned, expected):
    assert session_hours(rules, planned) == expected


def test_the_daily_cap_counts_what_the_learner_holds_that_day():
    assert learner_hours(SIX_THREE, 7, False, already_that_day=0) == 6
    assert learner_hours(SIX_THREE, 3, False, already_that_day=6) == 2  # cap 8
    assert learner_hours(SIX_THREE, 3, False, already_that_day=8) == 0
    assert learner_hours(CreditRules(day_cap=0), 3, False, already_that_day=20) == 3


def test_a_late_arrival_earns_the_late_share():
    rules = CreditRules(late_share=0.5)
    assert learner_hours(rules, 7, True, 0) == 3
    assert learner_hours(rules, 7, False, 0) == 6
    assert learner_hours(SIX_THREE, 7, True, 0) == 6


@pytest.mark.parametrize(
    ("setting", "named"),
    [
        ({"day_hour": 6}, "unknown key 'day_hour'"),
        ({"day_hours": -1}, "'day_hours'"),
        ({"rounding": "half"}, "'rounding'"),
        ({"rounding_mode": "banker"}, "'rounding_mode'"),
        ({"late_share": 2}, "'late_share'"),
        ({"half_day_threshold": 7}, "'half_day_threshold'"),
        ({"day_cap": True}, "'day_cap'"),
    ],
)
def test_a_bad_rule_is_refused_naming_the_setting(setting, named):
    with pytest.raises(RulesError, match=named):
        CreditRules.from_config(setting)


def test_the_default_setting_is_valid(app):
    rules = CreditRules.from_config(app.config["CLASSROOM_CREDIT"])
    assert (rules.day_hours, rules.half_day_hours, rules.day_cap) == (6, 3, 8)
