"""Scenario files: the first course's three, and errors named by file and line."""
from pathlib import Path

import pytest

from courseware.exercises import engine
from courseware.exercises.files import load_all_scenarios, parse_scenario

REPO = Path(__file__).resolve().parents[2]
DRILL = (REPO / "tests" / "data" / "exercises" / "drill.yaml").read_text("utf-8")


def test_the_first_course_scenarios():
    found, problems = load_all_scenarios(REPO / "exercises")
    assert [str(p) for p in problems] == []
    scenarios = {s.slug: s for s in found["microblogging-and-leadership"]}
    assert set(scenarios) == {"salt-panic", "burglary-wave", "comment-storm"}
    for scenario in scenarios.values():
        assert len(scenario.injects) >= 12
        decisions = [i for i in scenario.injects if i.decision]
        branch_points = {i.id for i in decisions if any(o.goto for o in i.decision.options)}
        assert len(branch_points) >= 2
        for text in [scenario.title, scenario.briefing, scenario.debrief] + [i.text for i in scenario.injects]:
            assert text["zh"] and text["en"]
        assert "人民日报" in scenario.debrief["zh"] and "People's Daily" in scenario.debrief["en"]
        # Silence is worse than a prompt, truthful answer stating every required fact.
        facts = "；".join(f.keywords["zh"][0] for f in scenario.facts if f.required)
        good = engine.run(scenario, 3, [engine.Action("post", text=f"我们理解大家的关切。{facts}。我们将持续通报。")], until=scenario.duration)
        silent = engine.run(scenario, 3, [], until=scenario.duration)
        assert engine.scores(scenario, good).total > engine.scores(scenario, silent).total + 30


@pytest.mark.parametrize("old, new, expected", [
    ("    persona: netizen\n    text: {zh: 超市的盐被抢光了！", "    persona: nobody\n    text: {zh: 超市的盐被抢光了！", "x.yaml:53: unknown persona nobody"),
    ("          goto: press\n", "          goto: nowhere\n", "x.yaml:80: goto nowhere: no inject belongs to that branch"),
    ("    countered_by: [f1, f2]", "    countered_by: [f1, f9]", "x.yaml:30: unknown fact f9"),
    ("  - id: i4\n    at: 90", "  - id: i4\n    at: 30", "x.yaml:91: at 30 comes before the previous inject of branch main (at 40, line 67): keep each branch in time order"),
    ("    weight: 30\n    promises", "    weight: 40\n    promises", "x.yaml:116: the rubric's weights add up to 110, not 100"),
    ("    reveals: [f1, f3]", "    reveals: [f1, f7]", "x.yaml:47: unknown fact f7"),
    ("  - id: i2\n", "  - id: i1\n", "x.yaml:58: inject id i1 is used twice (also line 50)"),
    ("channel: mention", "channel: telegram", "x.yaml:60: channel must be one of: post, comment, mention, call, news, instruction"),
    ("duration: 120", "duration: 120\nspeed: 3", "x.yaml:8: unknown field 'speed'"),
])
def test_scenario_errors_name_the_line(old, new, expected):
    assert old in DRILL
    scenario, problems = parse_scenario(DRILL.replace(old, new, 1), "x.yaml", "x")
    assert scenario is None
    assert expected in [str(p) for p in problems]


def test_a_branch_nobody_reaches_is_reported():
    text = DRILL.replace("          goto: press\n", "")
    scenario, problems = parse_scenario(text, "x.yaml", "x")
    assert "x.yaml:84: branch press is never reached: no decision option goes there" in [str(p) for p in problems]
