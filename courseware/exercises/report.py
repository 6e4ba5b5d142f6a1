"""The after-action report: the replayed timeline, expected against actual action, scores with
reasons, the metric curves and an improvement plan."""

from __future__ import annotations

import datetime as dt
import math

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from courseware.exercises import engine, messages, observation, runs, teams
from courseware.exercises.models import ExerciseRun
from courseware.i18n import text

CHART_WIDTH, CHART_HEIGHT = 600, 200


def top_reach(series: list) -> int:
    """The highest reach of a run, and at least 10, so the log scale has a top."""
    return max([r for _, r, _, _ in series] + [10])


def chart(series: list, duration: int, top: int | None = None) -> dict:
    """Polyline points for the three metrics; reach on a log scale, as rumours grow geometrically.
    `top` puts several runs on one scale; by default the run's own highest reach."""
    if not series:
        return {"sentiment": "", "trust": "", "reach": "", "max_reach": 0}
    top = max(top or top_reach(series), 10)

    def x(minute):
        return round(minute / max(duration, 1) * CHART_WIDTH, 1)

    def y(value):
        return round(CHART_HEIGHT - value / 100 * CHART_HEIGHT, 1)

    def reach_y(reach):
        return round(CHART_HEIGHT - math.log10(max(reach, 1)) / math.log10(top) * CHART_HEIGHT, 1)

    return {
        "sentiment": " ".join(f"{x(m)},{y(s)}" for m, _, s, _ in series),
        "trust": " ".join(f"{x(m)},{y(t)}" for m, _, _, t in series),
        "reach": " ".join(f"{x(m)},{reach_y(r)}" for m, r, _, _ in series),
        "max_reach": top,
    }


def samples(series: list, every: int = 30) -> list:
    """The curves as a table, for readers who cannot see the chart."""
    return [row for row in series if row[0] % every == 0] + (
        [series[-1]] if series and series[-1][0] % every else []
    )


def build(run: ExerciseRun, now: dt.datetime, top: int | None = None) -> dict:
    scenario = run.scenario
    state = runs.replay(run, now)
    scored = engine.scores(scenario, state, runs.overrides(run))
    questioned = engine.questioned(scenario, state)
    return {
        "run": run,
        "scenario": scenario,
        "state": state,
        "scores": scored,
        "rows": engine.expected_vs_actual(scenario, state),
        "chart": chart(state.series, scenario.duration, top),
        "samples": samples(state.series),
        "reviews": runs.reviews(run),
        "questioned": questioned,
        "notes": {post.ref: notes for post, notes in questioned},
        # Observers' ratings per capability and notes on the team, beside the automatic scores.
        "observed": observation.for_report(run),
        # Who published (and who proposed) each of a live team's posts.
        "authors": teams.authors(run) if run.live is not None else {},
        "persona": scenario.persona,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
    }


def side_by_side(team_runs: list[ExerciseRun], now: dt.datetime) -> list[dict]:
    """The reports of a live class's teams, their reach drawn on one scale: the highest reach of any
    team, so a glance compares them (no run reaches beyond the scenario's population)."""
    reports = [build(run, now) for run in team_runs]
    top = max((top_reach(r["state"].series) for r in reports), default=10)
    for report in reports:
        report["chart"] = chart(report["state"].series, report["scenario"].duration, top)
    return reports


# The report's file: the timeline's columns, then the scores and the plan under headings of their own.
TIMELINE_COLUMNS = [
    ("minute", _l("minute")),
    ("kind", _l("kind")),
    ("who", _l("who")),
    ("text", _l("content")),
    ("well_score", _l("well score")),
]


def table(report: dict) -> tuple[list, list[list]]:
    """The timeline and the scores, one row each, for courseware.exports (which neutralises every
    cell and heads the columns in the reader's language)."""
    scenario, state, scored = report["scenario"], report["state"], report["scores"]
    rows = []
    for event in state.log:
        persona = scenario.persona(event.persona) if event.persona else None
        who = text(persona.name) if persona else ""
        body = text(event.text) if isinstance(event.text, dict) else event.text
        score = event.score.well if event.score else ""
        rows.append([round(event.minute), event.kind, who, body, score])
    rows += [[], [_("dimension"), _("weight"), _("score")]]
    rows += [[d.name, d.weight, d.score] for d in scored.dimensions]
    rows += [[text(option.text), "", points] for _inject, option, points in scored.decisions]
    rows += [[_("total"), 100, scored.total], []]
    rows += [[_("pass condition"), _("met"), _("why")]]
    rows += [
        [
            text(c.condition.text),
            _("yes") if c.held else _("no"),
            messages.say(messages.CONDITIONS, c.code, c.params, scenario),
        ]
        for c in scored.conditions
    ]
    rows += [[_("passed"), _("yes") if scored.passed else _("no")], [], [_("improvement plan")]]
    rows += [[messages.say(messages.PLAN, code, params, scenario)] for code, params in scored.plan]
    return TIMELINE_COLUMNS, rows
