"""Scenario files: the first course's three, and errors named by file and line."""

import re
from pathlib import Path

import pytest

from courseware.exercises import engine
from courseware.exercises.files import load_all_scenarios, parse_scenario
from courseware.exercises.scenario import Scenario

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
        for text in [scenario.title, scenario.briefing, scenario.debrief] + [
            i.text for i in scenario.injects
        ]:
            assert text["zh"] and text["en"]
        assert "人民日报" in scenario.debrief["zh"] and "People's Daily" in scenario.debrief["en"]
        # Silence is worse than a truthful answer stating every required fact, once the trainee
        # has learned them: by calling the departments, and waiting for the injects that tell.
        required = {f.id for f in scenario.facts if f.required}
        calls = [d for d in scenario.departments if set(d.reveals) & required]
        told = {f for d in calls for f in d.reveals}
        later = [
            i.at
            for i in scenario.injects
            if i.branch == "main" and i.trigger is None and set(i.reveals) & (required - told)
        ]
        facts = "；".join(f.keywords["zh"][0] for f in scenario.facts if f.required)
        good = engine.run(
            scenario,
            3,
            [engine.Action("call", target=d.id) for d in calls]
            + [
                engine.Action(
                    "post",
                    at=max(later, default=None),
                    text=f"我们理解大家的关切。{facts}。我们将持续通报。",
                )
            ],
            until=scenario.duration,
        )
        assert set(good.stated) >= required
        silent = engine.run(scenario, 3, [], until=scenario.duration)
        assert engine.scores(scenario, good).total > engine.scores(scenario, silent).total + 30


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            "    persona: netizen\n    text: {zh: 超市的盐被抢光了！",
            "    persona: nobody\n    text: {zh: 超市的盐被抢光了！",
            "x.yaml:53: unknown persona nobody",
        ),
        (
            "          goto: press\n",
            "          goto: nowhere\n",
            "x.yaml:80: goto nowhere: no inject belongs to that branch",
        ),
        ("    countered_by: [f1, f2]", "    countered_by: [f1, f9]", "x.yaml:30: unknown fact f9"),
        (
            "  - id: i4\n    at: 90",
            "  - id: i4\n    at: 30",
            "x.yaml:91: at 30 comes before the previous inject of branch main (at 40, line 67): keep each branch in time order",
        ),
        (
            "    weight: 30\n    promises",
            "    weight: 40\n    promises",
            "x.yaml:116: the rubric's weights add up to 110, not 100",
        ),
        ("    reveals: [f1, f3]", "    reveals: [f1, f7]", "x.yaml:47: unknown fact f7"),
        ("  - id: i2\n", "  - id: i1\n", "x.yaml:58: inject id i1 is used twice (also line 50)"),
        (
            "channel: mention",
            "channel: telegram",
            "x.yaml:60: channel must be one of: post, comment, mention, call, news, instruction",
        ),
        ("duration: 120", "duration: 120\nspeed: 3", "x.yaml:8: unknown field 'speed'"),
    ],
)
def test_scenario_errors_name_the_line(old, new, expected):
    assert old in DRILL
    assert expected in refusals(DRILL.replace(old, new, 1))


def refusals(text: str) -> list[str]:
    """The problems of a scenario file that must not load."""
    scenario, problems = parse_scenario(text, "x.yaml", "x")
    assert scenario is None
    return [str(p) for p in problems]


def test_a_branch_nobody_reaches_is_reported():
    text = DRILL.replace("          goto: press\n", "")
    scenario, problems = parse_scenario(text, "x.yaml", "x")
    assert "x.yaml:84: branch press is never reached: no decision option goes there" in [
        str(p) for p in problems
    ]


# --- handles ----------------------------------------------------------------------------------

# An English handle reads like a Weibo name in English, or names an internal phone line.
ENGLISH_HANDLE = re.compile(r"@[A-Z][A-Za-z0-9]+|Ext\. \d{4}")


def texts_of(scenario):
    """Every {zh, en} text a reader sees in a scenario."""
    yield from (scenario.briefing, scenario.debrief, scenario.summary)
    for inject in scenario.injects:
        yield from (inject.text, inject.expected)
        if inject.decision:
            yield inject.decision.prompt
            yield from (option.text for option in inject.decision.options)
    yield from (persona.reply for persona in scenario.personas)


def test_every_account_has_an_english_handle():
    found, _ = load_all_scenarios(REPO / "exercises")
    for scenario in found["microblogging-and-leadership"]:
        handles = [scenario.handle] + [p.handle for p in scenario.personas]
        assert all(h["zh"] for h in handles), scenario.slug
        for handle in handles:
            assert ENGLISH_HANDLE.fullmatch(handle["en"]), (scenario.slug, handle)
        english = [h["en"] for h in handles]
        assert len(set(english)) == len(english), scenario.slug  # two accounts never share a name
    salt = {s.slug: s for s in found["microblogging-and-leadership"]}["salt-panic"]
    assert {
        p.id: p.handle
        for p in salt.personas
        if p.id in ("resident", "reporter-netizen", "vice-governor")
    } == {
        "resident": {"zh": "@江城小王", "en": "@JiangchengXiaoWang"},
        "reporter-netizen": {"zh": "@老陈说事", "en": "@OldChenSays"},
        "vice-governor": {"zh": "@某省副省长", "en": "@ViceGovernor"},
    }


def test_mentions_in_the_texts_use_the_handles_of_their_language():
    found, _ = load_all_scenarios(REPO / "exercises")
    for scenario in found["microblogging-and-leadership"]:
        accounts = [scenario.handle] + [
            p.handle for p in scenario.personas if p.handle["zh"].startswith("@")
        ]
        for text in texts_of(scenario):
            assert not re.search(r"@[\u3400-\u9fff]", text["en"]), (scenario.slug, text["en"][:80])
            for handle in accounts:
                if handle["zh"] in text["zh"]:
                    assert handle["en"] in text["en"], (scenario.slug, handle, text["en"][:80])


PERSONA_HANDLE = '    handle: "@xiaowang"\n'


@pytest.mark.parametrize(
    "written, expected",
    [
        (
            '    handle: "@xiaowang"\n',
            {"zh": "@xiaowang", "en": ""},
        ),  # a bare string, as before: the Chinese handle
        (
            '    handle: {zh: "@江城小王", en: "@JiangchengXiaoWang"}\n',
            {"zh": "@江城小王", "en": "@JiangchengXiaoWang"},
        ),
        (
            "    handle:\n      zh: 内线 8001\n      en: Ext. 8001\n",
            {"zh": "内线 8001", "en": "Ext. 8001"},
        ),
        ("", {"zh": "", "en": ""}),
    ],
)
def test_a_persona_handle_is_a_string_or_one_per_language(written, expected):
    scenario, problems = parse_scenario(DRILL.replace(PERSONA_HANDLE, written, 1), "x.yaml", "x")
    assert problems == []
    assert scenario.persona("netizen").handle == expected


@pytest.mark.parametrize(
    "written, expected",
    [
        (
            '    handle: {zh: "@江城小王", en: "@江城小王"}\n',
            "x.yaml:35: the English handle @江城小王 has Chinese characters: write it in English, such as @JiangchengXiaoWang",
        ),
        (
            '    handle:\n      zh: "@江城小王"\n      en: "@小王"\n',
            "x.yaml:37: the English handle @小王 has Chinese characters: write it in English, such as @JiangchengXiaoWang",
        ),
        (
            '    handle: {zh: "@江城小王", fr: "@XiaoWang"}\n',
            'x.yaml:35: a handle is written "@名字" or {zh: "@名字", en: "@Name"}',
        ),
        (
            '    handle: ["@江城小王", "@XiaoWang"]\n',
            'x.yaml:35: a handle is written "@名字" or {zh: "@名字", en: "@Name"}',
        ),
        ('    handle: {en: "@XiaoWang"}\n', "x.yaml:35: the Chinese handle (zh) is missing"),
        (
            '    handle:\n      zh: "@江城小王"\n      en: "@Jiangcheng\\nXiaoWang"\n',
            "x.yaml:37: a handle is one line",
        ),
    ],
)
def test_handle_errors_name_the_line(written, expected):
    assert expected in refusals(DRILL.replace(PERSONA_HANDLE, written, 1))


def test_the_trainee_handle_is_checked_like_the_others():
    text = DRILL.replace(
        'handle: {zh: "@某省发布", en: "@ProvinceInfo"}',
        'handle: {zh: "@某省发布", en: "@某省发布"}',
    )
    scenario, problems = parse_scenario(text, "x.yaml", "x")
    assert (
        "x.yaml:4: the English handle @某省发布 has Chinese characters: write it in English, such as @JiangchengXiaoWang"
        in [str(p) for p in problems]
    )


def test_a_scenario_stored_before_english_handles_still_loads():
    scenario, _ = parse_scenario(DRILL, "x.yaml", "x")
    data = scenario.to_dict()
    for persona in data["personas"]:
        persona["handle"] = persona["handle"]["zh"]  # as the database held it
    stored = Scenario.from_dict(data)
    assert stored.persona("netizen").handle == {"zh": "@xiaowang", "en": ""}
    assert stored.persona("leader").handle == {"zh": "", "en": ""}


# --- what is learned, pass conditions, calibration posts ----------------------------------------

END = len(DRILL.splitlines())


def appended(extra: str) -> str:
    """The drill with lines added at its end: they start at line END + 1."""
    return DRILL + extra


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "calibration:\n- text: 我们理解大家的担心。全省食盐储备充足，我们将持续通报。\n"
            "  verdict: {facts: [f2]}\n",
            f"x.yaml:{END + 3}: calibration post 1 (我们理解大家的担心。全省食盐储备…): "
            "facts should be [f2], the engine gives [f1]",
        ),
        (
            "calibration:\n- text: 碘盐可以防辐射。\n  verdict: {false_statements: [], passes: true}\n",
            f"x.yaml:{END + 3}: calibration post 1 (碘盐可以防辐射。…): "
            "false_statements should be none, the engine gives [x1]",
        ),
        (
            "calibration:\n- text: 储备充足。\n  after: [call netizen]\n  verdict: {facts: [f1]}\n",
            f"x.yaml:{END + 3}: calibration post 1 (储备充足。…) cannot be replayed: no_such_department",
        ),
        (
            "calibration:\n- text: 储备充足。\n  after: [phone salt-co]\n  verdict: {facts: [f1]}\n",
            f"x.yaml:{END + 3}: a setup step is call DEPARTMENT, wait MINUTES, decide INJECT OPTION, post TEXT or reply INJECT TEXT",
        ),
        (
            "calibration:\n- text: 储备充足。\n  verdict: {facts: [f9], lies: []}\n",
            f"x.yaml:{END + 3}: unknown id f9 in facts",
        ),
        (
            "calibration:\n- text: 储备充足。\n  verdict: {facts: [f1], lies: []}\n",
            f"x.yaml:{END + 3}: unknown verdict 'lies'; one of: facts, counters, false_statements, speculation, unverified, passes",
        ),
        (
            "pass_conditions:\n- id: checked\n  text: 先核实\n  called: netizen\n",
            f"x.yaml:{END + 4}: called names a department; netizen is none",
        ),
        (
            "pass_conditions:\n- id: both\n  text: 两件事\n  called: salt-co\n  answered: [i2]\n",
            f"x.yaml:{END + 2}: a pass condition has one of: called, answered, stated, false_statements",
        ),
        (
            "pass_conditions:\n- id: answered\n  text: 回复\n  answered: [i9]\n",
            f"x.yaml:{END + 4}: unknown inject i9",
        ),
        (
            "population: 500\n",
            "x.yaml:28: reach 1000 is more than the population (500)",
        ),
    ],
)
def test_new_keys_are_checked_with_their_line(extra, expected):
    assert expected in refusals(appended(extra))


def test_a_required_fact_nobody_tells_is_reported():
    text = DRILL.replace("briefing_reveals: [f1, f2]", "briefing_reveals: [f1]")
    assert (
        "x.yaml:14: fact f2 is never learned: list it in briefing_reveals, or in the reveals of "
        "a department, an inject or a decision option"
    ) in refusals(text)


def test_an_answer_needs_a_deadline_and_the_rubric_names_known_dimensions():
    text = DRILL.replace("    expects: reply\n    within: 30\n", "    expects: reply\n", 1)
    assert (
        "x.yaml:63: an inject that expects an answer needs within: its deadline in simulated minutes"
        in refusals(text)
    )
    bad = DRILL.replace("rubric:\n", "rubric:\n  luck:\n    weight: 0\n    behaviours: [x]\n", 1)
    assert any("unknown rubric dimension 'luck'" in p for p in refusals(bad))


def test_a_calibrated_drill_loads_and_keeps_its_posts():
    scenario, problems = parse_scenario(
        appended(
            "calibration:\n- text: 我们理解大家的担心。全省食盐储备充足，我们将持续通报。\n"
            "  verdict: {facts: [f1], counters: [r1], false_statements: [], passes: true}\n"
        ),
        "x.yaml",
        "x",
    )
    assert problems == []
    [item] = scenario.calibration
    assert item.verdict == {
        "facts": ["f1"],
        "counters": ["r1"],
        "false_statements": [],
        "passes": True,
    }
    # Stored and read back as the database holds it.
    assert Scenario.from_dict(scenario.to_dict()).calibration == [item]
