"""The exercise engine driven by scripted runs: the same input gives the same run, and an ideal
response, silence, a late response and a false denial each land where the scenario says."""

from pathlib import Path

import pytest

from courseware.exercises import engine
from courseware.exercises.engine import Action, ActionError
from courseware.exercises.files import load_scenario_file

DRILL = Path(__file__).resolve().parents[1] / "data" / "exercises" / "drill.yaml"
IDEAL = "我们理解大家的担心。全省食盐储备充足，碘盐不能防辐射，请勿抢购。我们将持续通报。"


@pytest.fixture(scope="module")
def drill():
    scenario, problems = load_scenario_file(DRILL)
    assert problems == []
    return scenario


def dims(scores):
    return {d.name: d.score for d in scores.dimensions}


def test_the_same_seed_and_actions_give_the_same_run(drill):
    actions = [
        Action("post", text=IDEAL),
        Action("wait", minutes=15),
        Action("reply", target="i2", text="感谢提问，碘盐不能防辐射。"),
    ]
    first, again = (
        engine.run(drill, 7, actions, until=120),
        engine.run(drill, 7, actions, until=120),
    )
    assert first.series == again.series and [(e.minute, e.kind, e.text) for e in first.log] == [
        (e.minute, e.kind, e.text) for e in again.log
    ]
    other = engine.run(drill, 8, actions, until=120)
    assert other.series != first.series  # the seed varies the spread a little


def test_an_ideal_response(drill):
    state = engine.run(
        drill,
        1,
        [
            Action("post", text=IDEAL),
            Action("wait", minutes=15),
            Action(
                "reply", target="i2", text="感谢关心。碘盐不能防辐射，储备充足，我们会持续通报。"
            ),
            Action("wait", minutes=10),
            Action("decide", target="i3", option="press"),
        ],
        until=120,
    )
    scores = engine.scores(drill, state)
    assert state.first_substantive == 10
    assert (
        dims(scores) == {"early": 100.0, "well": 100.0, "truthful": 100.0} and scores.total == 100.0
    )
    assert "p1" in state.fired and "silence" not in state.fired and "exposed" not in state.fired
    assert state.total_reach < 1000  # countered early, the rumour shrank
    # The press-conference branch replaced the rest of the main track: i4 never came.
    assert "i4" not in state.fired
    assert scores.plan == [("keep_it_up", {})]


def test_silence(drill):
    state = engine.run(drill, 1, [], until=120)
    scores = engine.scores(drill, state)
    assert "silence" in state.fired and state.finished
    assert dims(scores) == {"early": 0.0, "well": 0.0, "truthful": 30.0}
    assert state.total_reach > 100_000
    assert [code for code, _ in scores.plan][:1] == ["post_within_window"]


def test_a_late_response(drill):
    state = engine.run(
        drill, 1, [Action("wait", minutes=100), Action("post", text=IDEAL)], until=120
    )
    scores = engine.scores(drill, state)
    assert state.first_substantive == 110 and "silence" in state.fired
    # Half the first post at 110 (11.1 of 100), half the answers: i1 and the silence inject were
    # answered late (half credit each), i2, i3 and i4 not at all: 20 of 100.
    assert dims(scores)["early"] == pytest.approx((11.1 + 20) / 2, abs=0.1)
    assert dims(scores)["truthful"] == 100.0
    silent = engine.run(drill, 1, [], until=120)
    assert silent.total_reach > state.total_reach


def test_a_false_denial(drill):
    state = engine.run(drill, 1, [Action("post", text="碘盐可以防辐射。无可奉告。")], until=120)
    scores = engine.scores(drill, state)
    assert state.fired["exposed"] == 25  # 15 minutes after the false post at minute 10
    assert (
        dims(scores)["truthful"] == 0.0 and dims(scores)["well"] == 20.0
    )  # refusal, no empathy, no fact, no next step
    codes = [code for code, _ in scores.plan]
    assert "avoid_phrases" in codes and "check_before_posting" in codes
    assert state.total_reach > engine.run(drill, 1, [], until=120).total_reach  # worse than silence
    assert state.trust < 60


def test_calling_a_department_reveals_its_facts(drill):
    state = engine.run(drill, 1, [Action("call", target="salt-co")])
    assert state.known >= {"f1", "f3"} and state.minute == 10
    with pytest.raises(ActionError) as refused:
        engine.run(drill, 1, [Action("call", target="netizen")])
    assert refused.value.code == "no_such_department"


def test_decisions_once_and_only_after_they_fire(drill):
    with pytest.raises(ActionError) as early:
        engine.run(drill, 1, [Action("decide", target="i3", option="press")])
    assert early.value.code == "no_such_decision"
    state = engine.run(
        drill,
        1,
        [Action("wait", minutes=40), Action("decide", target="i3", option="wait")],
        until=120,
    )
    assert state.trust < 60 and "p1" not in state.fired
    with pytest.raises(ActionError):
        engine.run(
            drill,
            1,
            [
                Action("wait", minutes=40),
                Action("decide", target="i3", option="wait"),
                Action("decide", target="i3", option="press"),
            ],
        )


@pytest.mark.parametrize(
    "text, reasons",
    [
        (IDEAL, []),
        ("储备充足。", ["no_empathy", "no_next_step"]),
        ("感谢关注，无可奉告。", ["penalised", "no_substance", "no_next_step"]),
        ("我们理解。" + "储备充足" * 40 + "，持续通报。", ["too_long"]),
        (
            "Thank you. We understand. There are SUFFICIENT RESERVES and we will keep you updated.",
            [],
        ),
    ],
)
def test_post_scoring(drill, text, reasons):
    score = engine.score_post(drill, text)
    assert score.reasons == reasons
    assert score.well == 100 - sum(
        {"penalised": 40, "too_long": 20, "no_empathy": 15, "no_substance": 15, "no_next_step": 10}[
            r
        ]
        for r in reasons
    )


def test_expected_against_actual(drill):
    state = engine.run(
        drill,
        1,
        [
            Action("wait", minutes=25),
            Action("reply", target="i2", text="碘盐不能防辐射"),
            Action("wait", minutes=60),
        ],
        until=120,
    )
    rows = {r["inject"].id: r for r in engine.expected_vs_actual(drill, state)}
    # The reply lands at minute 30: within i1's 30 minutes and i2's 30 minutes (i2 came at 20).
    assert rows["i1"]["status"] == "on_time" and rows["i1"]["answer"].minute == 30
    assert rows["i2"]["status"] == "on_time"
    assert rows["i3"]["status"] == "missed" and rows["i4"]["status"] == "missed"
    late = engine.run(drill, 1, [Action("wait", minutes=35), Action("post", text=IDEAL)], until=120)
    assert {r["inject"].id: r["status"] for r in engine.expected_vs_actual(drill, late)}[
        "i1"
    ] == "late"


def test_real_time_actions_land_at_their_own_minute(drill):
    """In real-time and live runs the server stamps each action with the clock's minute."""
    state = engine.run(
        drill,
        1,
        [Action("post", at=33.5, text=IDEAL), Action("call", at=41, target="salt-co")],
        until=50,
    )
    posts = state.posts()
    assert posts[0].minute == 33.5 and state.first_substantive == 33.5
    assert [e.minute for e in state.log if e.kind == "call"] == [41]
    assert state.minute == 50 and "i3" in state.fired  # the leader's question came at 40 on its own


def test_live_publish_next_follows_each_teams_branch(drill):
    """One "publish next" button, two teams in different branches: each gets its own next inject."""
    common = [Action("wait", minutes=40)]
    pressed = engine.run(
        drill, 1, common + [Action("decide", target="i3", option="press"), Action("publish_next")]
    )
    waited = engine.run(
        drill, 1, common + [Action("decide", target="i3", option="wait"), Action("publish_next")]
    )
    assert "p1" in pressed.fired and pressed.fired["p1"] == 45
    assert "i4" in waited.fired and waited.fired["i4"] == 45 and "p1" not in waited.fired


class Apologise(engine.ActionKind):
    """A toy kind, known to these tests only: a public apology, once, that takes 7 minutes."""

    name, trainee = "apologise", True

    @classmethod
    def minutes(cls, scenario, state, action):
        return 7

    @classmethod
    def apply(cls, scenario, state, rng, action):
        if any(e.kind == cls.name for e in state.log):
            raise ActionError("already_apologised")
        state.trust = engine._clamp(state.trust + 5)
        state.log.append(engine.Event(state.minute, cls.name, action.text, ref=action.ref))


def test_a_new_action_kind_is_one_class_in_the_table(drill, monkeypatch):
    """The engine takes any registered kind through the run: its time, its effect, its refusal."""
    with pytest.raises(ActionError) as unknown:
        engine.run(drill, 1, [Action("apologise", text="对不起。")])
    assert unknown.value.code == "unknown_action"

    monkeypatch.setitem(engine.ACTION_KINDS, "apologise", Apologise)
    assert "apologise" in engine.trainee_actions() and "apologise" not in engine.post_actions()
    plain = engine.run(drill, 1, [Action("wait", minutes=7), Action("post", text=IDEAL)])
    sorry = engine.run(drill, 1, [Action("apologise", text="对不起。"), Action("post", text=IDEAL)])
    assert [(e.minute, e.text) for e in sorry.log if e.kind == "apologise"] == [(7, "对不起。")]
    assert sorry.trust == plain.trust + 5
    assert sorry.posts()[0].minute == plain.posts()[0].minute == 17
    with pytest.raises(ActionError) as twice:
        engine.run(drill, 1, [Action("apologise"), Action("apologise")])
    assert twice.value.code == "already_apologised"


def test_the_trainees_kinds_and_the_instructors_are_told_apart():
    assert set(engine.trainee_actions()) == {"post", "reply", "call", "decide", "wait"}
    assert set(engine.post_actions()) == {"post", "reply"}
    assert set(engine.ACTION_KINDS) - set(engine.trainee_actions()) == {
        "publish",
        "publish_next",
        "adhoc",
    }
