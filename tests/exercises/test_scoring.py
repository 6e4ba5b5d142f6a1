"""The shipped scenarios scored as the course teaches: what the trainee knows, refutations that are
not lies, an answer to every inject, decisions and outcomes in the score, pass conditions, a
bounded rumour model, and every calibration post's verdict."""

from pathlib import Path

import pytest

from courseware.exercises import calibration, engine
from courseware.exercises.engine import Action
from courseware.exercises.files import load_all_scenarios

REPO = Path(__file__).resolve().parents[2]
SLOGAN = "已部署，盐会有的！请大家放心，将及时发布后续。"
REBUTTAL_FESTIVAL = "网上说桃花节“没花一分钱”，这个说法不对：县财政为桃花节支出约18万元"
REBUTTAL_ROAD = "有人说路已经修好了，实际上并没有：目前完成约六成"


@pytest.fixture(scope="module")
def shipped():
    found, problems = load_all_scenarios(REPO / "exercises")
    assert [str(p) for p in problems] == []
    return {s.slug: s for s in found["microblogging-and-leadership"]}


def play(scenario, actions, seed=1):
    state = engine.run(scenario, seed, actions, until=scenario.duration)
    return state, engine.scores(scenario, state)


def failed(scores):
    return [c.condition.id for c in scores.conditions if not c.held]


# --- what the trainee knows --------------------------------------------------------------------


def test_the_slogan_post_alone_does_not_pass(shipped):
    """The vice governor's words at minute 3, with no call, reply or decision: they state nothing
    the trainee has checked, so they are no substantive post, and the stock was never checked."""
    salt = shipped["salt-panic"]
    state, scores = play(salt, [Action("post", at=3, text=SLOGAN)])
    post = state.posts()[0]
    assert post.score.facts == [] and post.score.unverified == ["reserves", "restocking"]
    assert state.first_substantive is None
    assert scores.total < salt.min_score and not scores.passed
    assert {"checked-stock", "checked-science"} <= set(failed(scores))
    # The report names the post and why.
    [(questioned, notes)] = engine.questioned(salt, state)
    assert questioned is post
    assert [(code, params["fact"].id) for code, params in notes] == [
        ("unverified", "reserves"),
        ("unverified", "restocking"),
    ]
    sources = notes[0][1]["sources"]
    assert [(kind, who.id) for kind, who in sources] == [("call", "salt-company")]
    assert ("verify_first", {"facts": [salt.fact("reserves"), salt.fact("restocking")]}) in (
        scores.plan
    )


@pytest.mark.parametrize("slug", ["salt-panic", "burglary-wave", "comment-storm"])
def test_every_facts_words_at_minute_one_state_nothing_and_do_not_pass(shipped, slug):
    scenario = shipped[slug]
    words = [f.keywords["zh"][0] for f in scenario.facts]
    words += [f.precise["zh"][0] for f in scenario.facts if f.precise.get("zh")]
    text = "我们理解大家的关切。" + "；".join(words) + "。我们将持续通报。"
    state, scores = play(scenario, [Action("post", at=1, text=text)])
    post = state.posts()[0]
    assert post.score.facts == [] and state.stated == {}
    assert set(post.score.speculation) == {f.id for f in scenario.facts if f.precise.get("zh")}
    assert set(post.score.claimed) == {f.id for f in scenario.facts}
    truthful = next(d for d in scores.dimensions if d.name == "truthful")
    assert ("speculation", {"count": 1}) in truthful.reasons
    assert not scores.passed and scores.total < scenario.min_score


def test_a_fact_counts_once_learned_from_a_call_an_inject_or_the_briefing(shipped):
    salt = shipped["salt-panic"]
    price = "省物价局：食盐价格不变，哄抬价格将依法查处。我们将持续通报。"
    early, _ = play(salt, [Action("post", at=20, text=price)])
    told, _ = play(salt, [Action("post", at=30, text=price)])  # the price notice comes at 30
    assert early.posts()[0].score.unverified == ["price"] and "price" not in early.stated
    assert told.posts()[0].score.facts == ["price"] and told.stated["price"] == 30
    assert told.learned["price"] == 30
    called = engine.run(salt, 1, [Action("call", target="salt-company")])
    assert called.learned == {"reserves": 10, "restocking": 10, "rock-salt": 10}
    # A scenario may tell facts in its briefing, or through a decision's option.
    salt_told = engine.start(salt)
    assert salt_told.known == set()
    briefed = type(salt)(**{**salt.__dict__, "briefing_reveals": ["reserves"]})
    assert engine.start(briefed).known == {"reserves"}
    assert [kind for kind, *_ in briefed.learned_from("reserves")] == ["briefing", "call"]


# --- negation and quotation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "department", "fact", "rumour"),
    [
        (REBUTTAL_FESTIVAL, "finance", "festival-cost", "funds-diverted"),
        (REBUTTAL_ROAD, "transport", "road-status", "road-abandoned"),
    ],
)
def test_a_truthful_rebuttal_counters_and_is_no_false_statement(
    shipped, text, department, fact, rumour
):
    storm = shipped["comment-storm"]
    state, scores = play(storm, [Action("call", target=department), Action("post", text=text)])
    post = state.posts()[0]
    assert post.score.contradictions == [] and state.contradicted == []
    assert post.score.refuted and post.score.facts == [fact] and rumour in post.score.countered
    assert rumour in state.countered and "exposed" not in state.fired
    truthful = next(d for d in scores.dimensions if d.name == "truthful")
    assert truthful.score > 0 and not any(
        code == "false_statements" for code, _ in truthful.reasons
    )
    # Before the call the figure is speculation, but still no false statement.
    unchecked, _ = play(storm, [Action("post", at=5, text=text)])
    assert unchecked.contradicted == [] and unchecked.posts()[0].score.speculation == [fact]


def test_a_plain_false_claim_still_counts(shipped):
    storm = shipped["comment-storm"]
    state, scores = play(
        storm,
        [Action("call", target="finance"), Action("post", text="桃花节没花财政一分钱，请放心。")],
    )
    assert state.contradicted == [(20, "festival-free")]
    assert state.fired["exposed"] == 35  # the reporter's "与事实不符" 15 minutes later
    truthful = next(d for d in scores.dimensions if d.name == "truthful")
    assert ("false_statements", {"count": 1}) in truthful.reasons
    # Correcting it openly halves the cost of the false statement.
    corrected, corrected_scores = play(
        storm,
        [
            Action("call", target="finance"),
            Action("post", text="桃花节没花财政一分钱，请放心。"),
            Action(
                "post",
                text="更正：此前说桃花节“没花财政一分钱”，这个说法不对，县财政支出约18万元，抱歉。",
            ),
        ],
    )
    assert corrected.corrected == {"festival-free"}
    fixed = next(d for d in corrected_scores.dimensions if d.name == "truthful")
    assert fixed.score - truthful.score >= engine.FALSE_POINTS - engine.CORRECTED_POINTS


# --- an answer to every inject ------------------------------------------------------------------


def test_each_required_response_is_on_time_late_missed_or_pending(shipped):
    salt = shipped["salt-panic"]
    state = engine.run(
        salt,
        1,
        [
            Action("wait", minutes=6),
            # Not a reply to leaders-asked, but a post naming its author's handle: it answers him.
            Action("post", text="@老陈说事 感谢反映，已报告省领导，权威信息马上发布。"),
        ],
    )
    rows = {r["inject"].id: r for r in engine.expected_vs_actual(salt, state)}
    assert state.minute == 16
    assert rows["first-alarm"]["status"] == engine.Timeliness.ON_TIME
    assert rows["leaders-asked"]["status"] == engine.Timeliness.ON_TIME
    assert rows["deployed"]["status"] == engine.Timeliness.PENDING  # fired at 10, 15 minutes
    later = engine.run(salt, 1, [Action("wait", minutes=30), Action("call", target="health-dept")])
    rows = {r["inject"].id: r for r in engine.expected_vs_actual(salt, later)}
    assert rows["deployed"]["status"] == engine.Timeliness.LATE  # the call at 40, due by 25
    assert rows["leaders-asked"]["status"] == engine.Timeliness.MISSED
    early = next(d for d in engine.scores(salt, later).dimensions if d.name == "early")
    assert ("responses", {"on_time": 0, "late": 1, "missed": 3, "due": 4}) in early.reasons


def test_a_reply_to_another_message_of_the_same_persona_answers_it(shipped):
    storm = shipped["comment-storm"]
    state = engine.run(
        storm,
        1,
        [
            Action("wait", minutes=5),
            # troll-abuse (minute 5) and close-or-not are the troll's; this answers the first.
            Action(
                "reply", target="troll-abuse", text="感谢批评，我们正在核实资金情况，将及时公布。"
            ),
        ],
    )
    rows = {r["inject"].id: r for r in engine.expected_vs_actual(storm, state)}
    assert rows["troll-abuse"]["status"] == engine.Timeliness.ON_TIME
    assert rows["villager-anger"]["status"] == engine.Timeliness.PENDING  # due by 15


# --- decisions and outcomes -----------------------------------------------------------------------

STORM_OPENING = [
    Action(
        "reply",
        target="villager-anger",
        text="老赵，批评得对，路没修好是我们的责任，向您道歉。我们马上核实，下一步情况将及时公布。",
    ),
    Action("call", target="finance"),
    Action("call", target="transport"),
    Action(
        "post",
        text="感谢大家监督。修路用的是专项资金约900万元，专款专用；桃花节支出约18万元，明细将公开。工程完成约六成，10月底完工，每周公布进度。",
    ),
    Action("wait", minutes=5),
]
STORM_AFTER = [
    Action(
        "post", text="感谢大家的批评和监督。路完成约六成，10月底完工，我们每周公布进度，欢迎监督。"
    )
]
SALT_OPENING = [
    Action("call", target="salt-company"),
    Action("call", target="health-dept"),
    Action(
        "post",
        text="我们理解大家的担心。全省食盐库存可满足约两个月消费，部分超市暂时断货，正在补货；吃碘盐不能防辐射。我们将持续通报。",
    ),
    Action(
        "reply",
        target="leaders-asked",
        text="感谢反映！已报告省领导，正在部署，储备充足，将持续通报。",
    ),
    Action("wait", minutes=15),
]
SALT_AFTER = [
    Action("post", text="补货进展：各地门店陆续恢复供应，储备充足，请按需购买，我们将持续通报。")
]
BURGLARY_OPENING = [
    Action("call", target="public-order"),
    Action("call", target="task-force-office"),
    Action(
        "post",
        text="我们理解大家的担心。6月以来城区发生入室盗窃37起，均为盗窃，无人员伤亡；专案组已抓获2名嫌疑人。请关好门窗，欢迎提供线索，将持续通报。",
    ),
    Action("wait", minutes=20),
    Action("decide", target="images-decision", option="appeal"),
    Action("wait", minutes=60),
]
BURGLARY_AFTER = [
    Action("post", text="感谢群众提供线索。又抓获1名嫌疑人，仍有1人在逃，请关好门窗，将持续通报。")
]


@pytest.mark.parametrize(
    ("slug", "opening", "inject", "good", "condemned", "after"),
    [
        ("comment-storm", STORM_OPENING, "close-or-not", "open", "close", STORM_AFTER),
        ("salt-panic", SALT_OPENING, "how-to-publish", "live", "wait", SALT_AFTER),
        (
            "burglary-wave",
            BURGLARY_OPENING,
            "appeal-stations",
            "activate",
            "centralise",
            BURGLARY_AFTER,
        ),
    ],
)
def test_the_choices_the_debriefs_condemn_lower_the_total(
    shipped, slug, opening, inject, good, condemned, after
):
    """Closing the comments, waiting for the press conference, keeping every reply at the
    provincial account: the same posts score less, through the outcome and the option's points."""
    scenario = shipped[slug]
    _, chosen = play(scenario, opening + [Action("decide", target=inject, option=good)] + after)
    state, worse = play(
        scenario, opening + [Action("decide", target=inject, option=condemned)] + after
    )
    assert worse.total < chosen.total - 5
    option = next(o for o in scenario.inject(inject).decision.options if o.id == condemned)
    assert worse.decisions == [(scenario.inject(inject), option, option.effects["score"])]
    assert worse.total == pytest.approx(worse.weighted + option.effects["score"], abs=0.1)
    outcome = {d.name: d.score for d in worse.dimensions}["outcome"]
    assert outcome < {d.name: d.score for d in chosen.dimensions}["outcome"]
    assert ("rethink_decisions", {"options": [option]}) in worse.plan


def test_pass_conditions_hold_whatever_the_total(shipped):
    salt = shipped["salt-panic"]
    _, good = play(
        salt, SALT_OPENING + [Action("decide", target="how-to-publish", option="live")] + SALT_AFTER
    )
    assert good.passed and good.total >= salt.min_score and failed(good) == []
    # Stock figures before the call: a fine total, but no pass, and the report says which.
    early = [
        Action(
            "post",
            at=1,
            text="我们理解大家的担心。全省食盐库存可满足约两个月消费，部分超市暂时断货，正在补货。我们将持续通报。",
        )
    ]
    state, scores = play(
        salt,
        early
        + SALT_OPENING
        + [Action("decide", target="how-to-publish", option="live")]
        + SALT_AFTER,
    )
    assert scores.total >= salt.min_score and not scores.passed
    [result] = [c for c in scores.conditions if not c.held]
    assert result.condition.id == "checked-stock" and result.code == "stated_before_call"
    assert result.params["minute"] == 1
    assert ("meet_conditions", {"conditions": [result.condition]}) in scores.plan
    # Relaying "盐会有的" before the call gives no figure: the condition asks for the call before
    # the figures (the facts' precise words) only.
    _, relayed = play(
        salt,
        [Action("post", at=1, text=SLOGAN)]
        + SALT_OPENING
        + [Action("decide", target="how-to-publish", option="live")]
        + SALT_AFTER,
    )
    assert "checked-stock" not in failed(relayed)


# --- a bounded model ----------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["salt-panic", "burglary-wave", "comment-storm"])
def test_no_run_reaches_beyond_the_population(shipped, slug):
    """The worst a team can do — false statements, refusals, every condemned choice — still reaches
    no more people than the scenario has."""
    scenario = shipped[slug]
    worst = [
        Action("post", at=1, text="无可奉告。" + c.keywords["zh"][0])
        for c in scenario.contradictions
    ]
    for inject in scenario.injects:
        if inject.decision and inject.branch == "main":
            option = min(inject.decision.options, key=lambda o: o.effects.get("reach", 0) * -1)
            worst.append(Action("decide", at=inject.at, target=inject.id, option=option.id))
            break
    for seed in range(5):
        state = engine.run(scenario, seed, worst, until=scenario.duration)
        assert state.contradicted and state.refusals
        assert max(reach for _, reach, _, _ in state.series) <= scenario.population
        assert all(reach <= scenario.population for reach in state.reach.values())
        assert state.total_reach > scenario.population / 2  # it did spread, up to the bound


# --- the same input gives the same scores -------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "actions"),
    [
        ("salt-panic", SALT_OPENING + SALT_AFTER),
        ("comment-storm", STORM_OPENING + STORM_AFTER),
        ("burglary-wave", BURGLARY_OPENING + BURGLARY_AFTER),
    ],
)
def test_the_same_scenario_seed_and_actions_give_the_same_scores(shipped, slug, actions):
    scenario = shipped[slug]
    first_state, first = play(scenario, actions, seed=42)
    again_state, again = play(scenario, actions, seed=42)
    assert first_state.series == again_state.series
    assert first == again
    other_state, _ = play(scenario, actions, seed=43)
    assert other_state.series != first_state.series  # the seed does vary the spread


# --- calibration posts --------------------------------------------------------------------------


def test_every_scenario_has_enough_calibration_posts_with_the_issues_cases(shipped):
    for scenario in shipped.values():
        assert len(scenario.calibration) >= 12, scenario.slug
        assert any(item.verdict.get("passes") is False for item in scenario.calibration)
    texts = {item.text for item in shipped["salt-panic"].calibration}
    assert SLOGAN in texts
    storm = {item.text for item in shipped["comment-storm"].calibration}
    assert {REBUTTAL_FESTIVAL, REBUTTAL_ROAD} <= storm


def calibration_posts():
    found, _ = load_all_scenarios(REPO / "exercises")
    return [
        pytest.param(scenario, item, id=f"{scenario.slug}-{i + 1}")
        for scenario in found["microblogging-and-leadership"]
        for i, item in enumerate(scenario.calibration)
    ]


@pytest.mark.parametrize(("scenario", "item"), calibration_posts())
def test_every_calibration_post_gets_its_verdict(scenario, item):
    assert calibration.differences(scenario, item) == []
