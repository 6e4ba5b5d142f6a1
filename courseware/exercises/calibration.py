"""Calibration posts: each scenario's examples with the verdict its rubric must give them.

A calibration post is replayed alone, after its setup (calls, waits, decisions, earlier posts), on
a fixed seed until the scenario's end. Its verdict names what the post counts as: facts stated,
rumours countered, false statements, speculation, facts stated before they were known, and whether
the run passes. `content check` fails when the engine's verdict differs (files.py), and the tests
replay every one, so a change to the matcher or the scoring that moves a verdict is seen.
"""

from __future__ import annotations

from courseware.exercises import engine
from courseware.exercises.scenario import Calibration, Scenario

# The lists a verdict may give, and the flag.
LISTS = ("facts", "counters", "false_statements", "speculation", "unverified")
VERDICT_KEYS = (*LISTS, "passes")
# Every calibration post is replayed on this seed, so its verdict is the same on every machine.
SEED = 1
SETUP_KINDS = ("call", "wait", "decide", "post", "reply")


def setup_action(step: str) -> engine.Action:
    """One setup step: "call DEPARTMENT", "wait MINUTES", "decide INJECT OPTION", "post TEXT" or
    "reply INJECT TEXT". ValueError if it is not written so."""
    kind, _, rest = step.strip().partition(" ")
    rest = rest.strip()
    if kind not in SETUP_KINDS or not rest:
        raise ValueError(step)
    if kind == "call":
        return engine.Action("call", target=rest)
    if kind == "wait":
        return engine.Action("wait", minutes=float(rest))
    if kind == "decide":
        inject, _, option = rest.partition(" ")
        if not option.strip():
            raise ValueError(step)
        return engine.Action("decide", target=inject, option=option.strip())
    if kind == "post":
        return engine.Action("post", text=rest)
    inject, _, text = rest.partition(" ")
    if not text.strip():
        raise ValueError(step)
    return engine.Action("reply", target=inject, text=text.strip())


def actions(item: Calibration) -> list[engine.Action]:
    post = engine.Action(
        "reply" if item.reply_to else "post", at=item.at, text=item.text, target=item.reply_to
    )
    return [setup_action(step) for step in item.after] + [post]


def replay(scenario: Scenario, item: Calibration) -> tuple[engine.State, engine.Event]:
    """The run of the post alone, to the scenario's end, and the post in it. engine.ActionError if
    the setup cannot be played."""
    state = engine.run(scenario, SEED, actions(item), until=scenario.duration)
    return state, state.posts()[-1]


def verdict(scenario: Scenario, item: Calibration) -> dict:
    """What the engine says of the post now: the verdict's lists, sorted, and whether it passes."""
    state, post = replay(scenario, item)
    score = post.score
    return {
        "facts": sorted(score.facts),
        "counters": sorted(score.countered),
        "false_statements": sorted(score.contradictions),
        "speculation": sorted(score.speculation),
        "unverified": sorted(score.unverified),
        "passes": engine.scores(scenario, state).passed,
    }


def differences(scenario: Scenario, item: Calibration) -> list[tuple[str, object, object]]:
    """(key, expected, given) for each part of the verdict the engine no longer gives."""
    given = verdict(scenario, item)
    found = []
    for key, expected in item.verdict.items():
        wanted = sorted(expected) if key in LISTS else expected
        if given[key] != wanted:
            found.append((key, wanted, given[key]))
    return found
