"""The crisis-exercise engine: scenario + seed + timed actions -> the same state, log and scores.

Pure Python, no Flask and no database: the server stores the actions and replays them here on every
request, so no state lives in a worker's memory and a run reads the same on any worker.

The clock counts simulated minutes. Scheduled injects fire when the clock reaches them (in a
branch, counted from the moment the branch was entered); triggered injects fire after a false
statement or after a silence. Rumours grow every minute, never beyond the scenario's population,
until a post states a fact that counters them or refutes them, then shrink, faster after a
well-written post. A post states only what the trainee has learned by then (the briefing, a call,
an inject, a decision); matching.py decides which words are the trainee's own claim. Scoring
follows docs/exercises.md.

Each kind of action (post, reply, call, ...) is a class registered by name in ACTION_KINDS: a new
kind is one class there, and the trainee's kinds are read from the table wherever they are needed.
"""

from __future__ import annotations

import enum
import math
import random
from dataclasses import dataclass, field
from typing import ClassVar

from courseware.exercises.matching import claims_in, fold, OWN, QUOTED, refutes, REPORTED, spans
from courseware.exercises.scenario import (
    DEFAULT_POPULATION,
    Inject,
    MAIN,
    PassCondition,
    Scenario,
)

# A promised update counts as delivered when a substantive post follows within this many minutes.
PROMISE_MINUTES = 60
# A fact counts as stated when the trainee says it, quotes it from a source or passes it on; a
# negated or asked fact is not stated. False claims count only in the trainee's own voice.
FACT_STANCES = (OWN, QUOTED, REPORTED)
# Points the truthful dimension loses for each false statement, corrected or not, and for each post
# that speculates.
FALSE_POINTS, CORRECTED_POINTS, SPECULATION_POINTS = 40, 20, 20
# A rumour refuted without a countering fact shrinks at this share of a fact's strength.
REFUTATION_STRENGTH = 0.5
# How much of its reach a fully countered rumour loses each minute.
DECAY = 0.05
# The channels whose messages the trainee can reply to (a call or an instruction is not answered in public).
REPLY_CHANNELS = ("post", "comment", "mention", "news")

# What the public says under an official post, by how well it was written.
REACTIONS = {
    "good": [
        {"zh": "说得清楚，谢谢及时通报！", "en": "Clear, thank you for the quick update!"},
        {"zh": "有数据有措施，放心多了。", "en": "Facts and measures: that is reassuring."},
        {"zh": "点赞，希望继续跟进。", "en": "Well done, please keep us posted."},
    ],
    "fair": [
        {"zh": "还有哪些具体措施？", "en": "What concrete measures are there?"},
        {"zh": "希望说得再具体一点。", "en": "Could you be more specific?"},
    ],
    "poor": [
        {"zh": "官话套话，说了等于没说。", "en": "Empty officialese, it says nothing."},
        {"zh": "这是什么态度？", "en": "What kind of attitude is this?"},
        {"zh": "不信，等真相。", "en": "Not convinced. Waiting for the truth."},
    ],
}


class ActionError(ValueError):
    """An action the run cannot take; `code` names why, for the page to say in the user's language."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Action:
    kind: str
    at: float | None = None  # simulated minute; None: now plus the action's cost (turns)
    text: str = ""
    target: str = ""  # reply, decide, publish: an inject id; call: a department id
    option: str = ""  # decide: the option id
    minutes: float = 0  # wait
    persona: str = ""  # adhoc
    channel: str = ""  # adhoc
    ref: int | None = None  # the stored action's id, so reviews can point at a post


@dataclass
class PostScore:
    well: float
    chars: int
    facts: list[str]  # facts stated that the trainee knew
    contradictions: list[str]  # false statements: contradictions, and rumours said as one's own
    penalised: list[str]
    empathy: bool
    next_step: bool
    promise: bool
    substantive: bool
    reasons: list[str]  # codes: penalised, too_long, no_empathy, no_substance, no_next_step
    speculation: list[str] = field(default_factory=list)  # precise facts not yet known
    unverified: list[str] = field(default_factory=list)  # other facts stated before known
    countered: list[str] = field(default_factory=list)  # rumours it counters
    refuted: list[str] = field(default_factory=list)  # false claims it argues against
    figures: list[str] = field(default_factory=list)  # facts whose precise words it uses

    @property
    def claimed(self) -> list[str]:
        """Every fact the post states, known or not."""
        return self.facts + self.speculation + self.unverified


@dataclass
class Event:
    minute: float
    kind: str  # inject | post | reply | call | decide | wait | adhoc | reaction | end
    text: dict | str = ""
    inject: str = ""
    persona: str = ""
    channel: str = ""
    option: str = ""
    facts: list[str] = field(default_factory=list)
    score: PostScore | None = None
    ref: int | None = None


@dataclass
class State:
    minute: float = 0.0
    branch: str = MAIN
    branch_started: float = 0.0
    fired: dict = field(default_factory=dict)  # inject id -> minute
    log: list[Event] = field(default_factory=list)
    reach: dict = field(default_factory=dict)  # rumour id -> people reached
    countered: dict = field(default_factory=dict)  # rumour id -> strength 0..1
    sentiment: float = 50.0
    trust: float = 50.0
    population: int = DEFAULT_POPULATION  # nobody beyond it hears a rumour
    known: set = field(default_factory=set)  # facts the trainee has learnt
    learned: dict = field(default_factory=dict)  # fact id -> minute learned
    stated: dict = field(default_factory=dict)  # fact id -> first minute stated, once known
    contradicted: list = field(default_factory=list)  # (minute, false claim id)
    corrected: set = field(default_factory=set)  # false claim ids a later post refuted
    refusals: int = 0
    promises: list = field(default_factory=list)  # [minute made, minute delivered or None]
    first_substantive: float | None = None
    decisions: dict = field(default_factory=dict)  # inject id -> option id
    series: list = field(default_factory=list)  # (minute, reach, sentiment, trust)
    finished: bool = False

    @property
    def total_reach(self) -> int:
        """People who have heard at least one rumour: the rumours reach people independently, so
        the total never exceeds the population."""
        if not self.population:
            return 0
        missed = 1.0
        for reach in self.reach.values():
            missed *= 1 - min(reach, self.population) / self.population
        return round(self.population * (1 - missed))

    def learn(self, facts, minute: float) -> None:
        for fact in facts:
            self.known.add(fact)
            self.learned.setdefault(fact, minute)

    def posts(self) -> list[Event]:
        """The trainee's published posts and replies, in order."""
        kinds = post_actions()
        return [e for e in self.log if e.kind in kinds]


# --- text matching ----------------------------------------------------------------------------


def matches(text: str, keywords: dict) -> list[str]:
    """The keywords (of either language) found anywhere in a text: for the manner of a post
    (empathy, next steps, refusals), where negation does not change what the words show."""
    folded = fold(text)
    return [w for lang in ("zh", "en") for w in keywords.get(lang, []) if w and fold(w) in folded]


def score_post(scenario: Scenario, text: str, known: set | None = None) -> PostScore:
    """How well one post is written, as the rubric's `well` dimension sees it, and what it states.

    `known` holds the facts the trainee has learned (None: all of them). A fact stated before it is
    known does not count; a precise one is speculation."""
    rubric = scenario.rubric
    false_claims = [c for c in [*scenario.contradictions, *scenario.rumours] if c.keywords]
    # The words of a false claim, asserted or refuted, state no fact: "落网" in "已全部落网".
    taken = [span for c in false_claims for span in spans(text, c.keywords)]
    claimed = [f for f in scenario.facts if claims_in(text, f.words, FACT_STANCES, taken)]
    facts = [f.id for f in claimed if known is None or f.id in known]
    unknown = [f for f in claimed if f.id not in facts]
    figures = [f.id for f in claimed if claims_in(text, f.precise, FACT_STANCES, taken)]
    speculation = [f.id for f in unknown if f.id in figures]
    unverified = [f.id for f in unknown if f.id not in speculation]
    contradictions = [c.id for c in false_claims if claims_in(text, c.keywords)]
    refuted = [
        c.id for c in false_claims if c.id not in contradictions and refutes(text, c.keywords)
    ]
    # A post with a false statement counters nothing: the false claim undoes it.
    countered = [
        r.id
        for r in scenario.rumours
        if not contradictions and (set(r.countered_by) & set(facts) or r.id in refuted)
    ]
    penalised = matches(text, rubric.penalised)
    empathy = bool(matches(text, rubric.empathy))
    next_step = bool(matches(text, rubric.next_steps))
    promise = bool(matches(text, rubric.promises))
    chars = len(text.strip())
    score, reasons = 100.0, []
    if penalised:
        score -= 40
        reasons.append("penalised")
    if chars > rubric.max_chars:
        score -= 20
        reasons.append("too_long")
    if not empathy:
        score -= 15
        reasons.append("no_empathy")
    if not facts and not countered:
        score -= 15
        reasons.append("no_substance")
    if not next_step and not promise:
        score -= 10
        reasons.append("no_next_step")
    substantive = bool(facts or countered) and not penalised and not contradictions
    return PostScore(
        max(0.0, score),
        chars,
        facts,
        contradictions,
        penalised,
        empathy,
        next_step,
        promise,
        substantive,
        reasons,
        speculation,
        unverified,
        countered,
        refuted,
        figures,
    )


# --- the clock --------------------------------------------------------------------------------


def start(scenario: Scenario) -> State:
    state = State(
        sentiment=scenario.start.get("sentiment", 50.0),
        trust=scenario.start.get("trust", 50.0),
        population=scenario.population,
    )
    state.learn(scenario.briefing_reveals, 0)
    state.reach = {r.id: min(float(r.reach), scenario.population) for r in scenario.rumours}
    state.series.append((0, state.total_reach, state.sentiment, state.trust))
    return state


def due_minute(inject: Inject, state: State) -> float | None:
    """When an inject fires, or None if it will not (another branch, or its trigger did not happen)."""
    if inject.id in state.fired:
        return None
    if inject.trigger == "contradiction":
        return state.contradicted[0][0] + inject.at if state.contradicted else None
    if inject.trigger == "silence":
        if state.first_substantive is not None and state.first_substantive <= inject.at:
            return None
        return inject.at
    if inject.branch != state.branch:
        return None
    return (state.branch_started if inject.branch != MAIN else 0) + inject.at


def fire(scenario: Scenario, state: State, inject: Inject, minute: float) -> None:
    state.fired[inject.id] = minute
    state.learn(inject.reveals, minute)
    state.log.append(
        Event(
            minute,
            "inject",
            inject.text,
            inject=inject.id,
            persona=inject.persona,
            channel=inject.channel,
            facts=list(inject.reveals),
        )
    )


def _fire_due(scenario: Scenario, state: State, minute: float) -> None:
    # A branch entered at this minute may make more injects due at once: loop until none is.
    while True:
        due = [
            (m, i)
            for i in scenario.injects
            if (m := due_minute(i, state)) is not None and m <= minute
        ]
        if not due:
            return
        m, inject = min(due, key=lambda pair: (pair[0], scenario.injects.index(pair[1])))
        fire(scenario, state, inject, max(m, 0))


def _grow(scenario: Scenario, state: State, rng: random.Random) -> None:
    """One simulated minute of rumour spread: growth slows as the rumour nears the population
    (logistic), so no rumour reaches more people than there are."""
    boost = (1.5 if state.contradicted else 1.0) * (1.2 if state.refusals else 1.0)
    population = state.population
    for rumour in scenario.rumours:
        jitter = rng.uniform(0.9, 1.1)
        strength = state.countered.get(rumour.id, 0.0)
        reach = state.reach[rumour.id]
        if strength:
            state.reach[rumour.id] = reach * (1 - DECAY * strength * jitter)
        else:
            room = max(0.0, 1 - reach / population) if population else 0.0
            state.reach[rumour.id] = min(
                population, reach * (1 + rumour.growth * jitter * boost * room)
            )


def advance(scenario: Scenario, state: State, rng: random.Random, target: float) -> None:
    """Move the clock to `target`, minute by minute: injects fire, rumours spread."""
    target = min(target, scenario.duration)
    _fire_due(scenario, state, state.minute)
    minute = int(state.minute)
    while minute + 1 <= target:
        minute += 1
        _grow(scenario, state, rng)
        state.minute = minute
        _fire_due(scenario, state, minute)
        state.series.append(
            (minute, state.total_reach, round(state.sentiment, 1), round(state.trust, 1))
        )
    state.minute = max(state.minute, target)
    _fire_due(scenario, state, state.minute)


def _clamp(value: float) -> float:
    return max(0.0, min(100.0, value))


# --- actions ----------------------------------------------------------------------------------


def _publish(
    scenario: Scenario, state: State, rng: random.Random, action: Action, kind: str
) -> None:
    text = action.text.strip()
    if not text:
        raise ActionError("empty_post")
    score = score_post(scenario, text, state.known)
    minute = state.minute
    state.log.append(
        Event(
            minute, kind, text, inject=action.target, facts=score.facts, score=score, ref=action.ref
        )
    )
    for fact in score.facts:
        state.stated.setdefault(fact, minute)
    made = {claim for _, claim in state.contradicted}
    state.corrected.update(c for c in score.refuted if c in made)
    if score.contradictions:
        state.contradicted += [(minute, c) for c in score.contradictions]
        state.trust -= 15
        state.sentiment -= 5
    if score.penalised:
        state.refusals += 1
        state.sentiment -= 10
        state.trust -= 5
    else:
        state.sentiment += (score.well - 60) / 10
        state.trust += (score.well - 60) / 10 + 2 * len(score.facts)
    state.sentiment, state.trust = _clamp(state.sentiment), _clamp(state.trust)
    if not score.contradictions:
        strength = score.well / 100 * (1.0 if minute <= scenario.window else 0.6)
        for rumour in scenario.rumours:
            if rumour.id not in score.countered:
                continue
            by_fact = set(rumour.countered_by) & set(score.facts)
            own = strength if by_fact else strength * REFUTATION_STRENGTH
            state.countered[rumour.id] = max(state.countered.get(rumour.id, 0.0), own)
    if score.substantive:
        if state.first_substantive is None:
            state.first_substantive = minute
        for promise in state.promises:
            if promise[1] is None and promise[0] < minute <= promise[0] + PROMISE_MINUTES:
                promise[1] = minute
    if score.promise:
        state.promises.append([minute, None])
    quality = (
        "good"
        if score.well >= 75 and not score.contradictions
        else "fair"
        if score.well >= 50
        else "poor"
    )
    state.log.append(Event(minute, "reaction", rng.choice(REACTIONS[quality]), ref=action.ref))


class ActionKind:
    """A kind of action: the engine looks it up by name in ACTION_KINDS and calls its class methods."""

    name: ClassVar[str] = ""
    # Trainees take it; the other kinds are an instructor's, in a live class.
    trainee: ClassVar[bool] = False
    # It publishes the trainee's text: scored, answered by the public, open to an instructor's review.
    post: ClassVar[bool] = False

    @classmethod
    def minutes(cls, scenario: Scenario, state: State, action: Action) -> float:
        """How long the action takes when it has no time of its own: its cost in the scenario."""
        return scenario.costs.get(cls.name, 0)

    @classmethod
    def apply(cls, scenario: Scenario, state: State, rng: random.Random, action: Action) -> None:
        """Carry out the action at the current minute; ActionError if it cannot be done."""
        raise NotImplementedError


ACTION_KINDS: dict[str, type[ActionKind]] = {}


def register(kind: type[ActionKind]) -> type[ActionKind]:
    """Add an action kind to the table (a class decorator); a kind of the same name is replaced."""
    ACTION_KINDS[kind.name] = kind
    return kind


def action_kind(name: str) -> type[ActionKind]:
    kind = ACTION_KINDS.get(name)
    if kind is None:
        raise ActionError("unknown_action")
    return kind


def trainee_actions() -> tuple[str, ...]:
    """The kinds of action a trainee may take."""
    return tuple(name for name, kind in ACTION_KINDS.items() if kind.trainee)


def post_actions() -> tuple[str, ...]:
    """The kinds of action that publish the trainee's text."""
    return tuple(name for name, kind in ACTION_KINDS.items() if kind.post)


@register
class Post(ActionKind):
    """A post on the official account."""

    name, trainee, post = "post", True, True

    @classmethod
    def apply(cls, scenario, state, rng, action):
        _publish(scenario, state, rng, action, cls.name)


@register
class Reply(ActionKind):
    """A public answer to a message the trainee has seen."""

    name, trainee, post = "reply", True, True

    @classmethod
    def apply(cls, scenario, state, rng, action):
        inject = scenario.inject(action.target)
        if inject is None or inject.id not in state.fired or inject.channel not in REPLY_CHANNELS:
            raise ActionError("no_such_message")
        _publish(scenario, state, rng, action, cls.name)


@register
class Call(ActionKind):
    """A phone call to a department, which tells what it knows."""

    name, trainee = "call", True

    @classmethod
    def apply(cls, scenario, state, rng, action):
        persona = scenario.persona(action.target)
        if persona is None or persona.kind != "department":
            raise ActionError("no_such_department")
        state.learn(persona.reveals, state.minute)
        state.log.append(
            Event(
                state.minute,
                cls.name,
                persona.reply,
                persona=persona.id,
                facts=list(persona.reveals),
                ref=action.ref,
            )
        )


@register
class Decide(ActionKind):
    """The choice of one option of a decision inject; the option may lead into a branch."""

    name, trainee = "decide", True

    @classmethod
    def apply(cls, scenario, state, rng, action):
        inject = scenario.inject(action.target)
        if inject is None or inject.decision is None or inject.id not in state.fired:
            raise ActionError("no_such_decision")
        if inject.id in state.decisions:
            raise ActionError("already_decided")
        option = next((o for o in inject.decision.options if o.id == action.option), None)
        if option is None:
            raise ActionError("no_such_option")
        state.decisions[inject.id] = option.id
        state.sentiment = _clamp(state.sentiment + option.effects.get("sentiment", 0))
        state.trust = _clamp(state.trust + option.effects.get("trust", 0))
        for rumour_id in state.reach:
            state.reach[rumour_id] = min(
                state.population,
                state.reach[rumour_id] * max(0.0, 1 + option.effects.get("reach", 0) / 100),
            )
        state.learn(option.reveals, state.minute)
        state.log.append(
            Event(
                state.minute,
                cls.name,
                option.text,
                inject=inject.id,
                option=option.id,
                ref=action.ref,
            )
        )
        if option.goto:
            state.branch, state.branch_started = option.goto, state.minute


@register
class Wait(ActionKind):
    """Letting the clock run on: it takes the minutes asked for and does nothing else."""

    name, trainee = "wait", True

    @classmethod
    def minutes(cls, scenario, state, action):
        return max(0.0, action.minutes)

    @classmethod
    def apply(cls, scenario, state, rng, action):
        pass


@register
class Publish(ActionKind):
    """The instructor publishes a given inject now."""

    name = "publish"

    @classmethod
    def apply(cls, scenario, state, rng, action):
        inject = scenario.inject(action.target)
        if inject is None or inject.id in state.fired:
            raise ActionError("no_such_inject")
        fire(scenario, state, inject, state.minute)


@register
class PublishNext(ActionKind):
    """The instructor publishes the next scheduled inject of the run's branch."""

    name = "publish_next"

    @classmethod
    def apply(cls, scenario, state, rng, action):
        # A live class shares the button, but each team may be in its own branch.
        inject = next_inject(scenario, state)
        if inject is not None:
            fire(scenario, state, inject, state.minute)


@register
class Adhoc(ActionKind):
    """A message the instructor writes during a live class, in a persona's name."""

    name = "adhoc"

    @classmethod
    def apply(cls, scenario, state, rng, action):
        if not action.text.strip():
            raise ActionError("empty_post")
        state.log.append(
            Event(
                state.minute,
                cls.name,
                action.text.strip(),
                persona=action.persona,
                channel=action.channel or "post",
                ref=action.ref,
            )
        )


def apply(scenario: Scenario, state: State, rng: random.Random, action: Action) -> None:
    """Carry out one action at the current minute; ActionError if it cannot be done."""
    action_kind(action.kind).apply(scenario, state, rng, action)


def action_minute(scenario: Scenario, state: State, action: Action) -> float:
    """When an action happens: its own time (real-time and live runs), else now plus its cost.

    An unknown kind is refused here, before the clock moves for it."""
    kind = action_kind(action.kind)
    if action.at is not None:
        return max(state.minute, float(action.at))
    return state.minute + kind.minutes(scenario, state, action)


def run(scenario: Scenario, seed: int, actions: list[Action], until: float | None = None) -> State:
    """Replay a run from the start. The same scenario, seed and actions give the same state."""
    rng = random.Random(seed)
    state = start(scenario)
    advance(scenario, state, rng, 0)
    for action in actions:
        if state.finished:
            raise ActionError("finished")
        # The action's cost is the time it takes: it lands when that time is over.
        advance(scenario, state, rng, action_minute(scenario, state, action))
        apply(scenario, state, rng, action)
        if state.minute >= scenario.duration:
            finish(scenario, state, rng)
    if until is not None and not state.finished:
        advance(scenario, state, rng, until)
        if state.minute >= scenario.duration:
            finish(scenario, state, rng)
    return state


def finish(scenario: Scenario, state: State, rng: random.Random | None = None) -> None:
    if state.finished:
        return
    if rng is not None:
        advance(scenario, state, rng, scenario.duration)
    state.finished = True
    state.log.append(Event(state.minute, "end"))


def pending_decisions(scenario: Scenario, state: State) -> list[Inject]:
    return [
        i
        for i in scenario.injects
        if i.decision and i.id in state.fired and i.id not in state.decisions
    ]


def answerable(state: State) -> set[str]:
    """The ids of the fired injects the trainee may reply to."""
    return {e.inject for e in state.log if e.kind == "inject" and e.channel in REPLY_CHANNELS}


def next_inject(scenario: Scenario, state: State) -> Inject | None:
    """The next scheduled inject of the active branch: what the instructor's button publishes."""
    waiting = [
        (m, i)
        for i in scenario.injects
        if i.trigger is None and (m := due_minute(i, state)) is not None
    ]
    return (
        min(waiting, key=lambda pair: (pair[0], scenario.injects.index(pair[1])))[1]
        if waiting
        else None
    )


# --- scores and the after-action review -------------------------------------------------------


class Timeliness(enum.StrEnum):
    """How a fired inject was answered, against the minutes it allows."""

    ON_TIME = "on_time"
    LATE = "late"
    MISSED = "missed"
    PENDING = "pending"  # not answered yet, and its deadline has not passed
    NOT_EXPECTED = "none"  # the inject asks for no answer


# A late answer earns this share of an answer on time.
LATE_CREDIT = 0.5
# Early: the first substantive post weighs this share, the answers to the injects the rest.
FIRST_POST_SHARE = 0.5


@dataclass
class Dimension:
    name: str
    weight: float
    score: float
    reasons: list[tuple[str, dict]]


@dataclass
class ConditionResult:
    """A pass condition and whether the run met it; `code` and `params` say why, in messages.py."""

    condition: PassCondition
    held: bool
    code: str
    params: dict


@dataclass
class Scores:
    dimensions: list[Dimension]
    total: float
    plan: list[tuple[str, dict]]
    passed: bool = False
    conditions: list[ConditionResult] = field(default_factory=list)
    decisions: list[tuple] = field(default_factory=list)  # (inject, option, points on the total)
    weighted: float = 0.0  # the dimensions' weighted sum, before the decisions' points


def early_score(scenario: Scenario, state: State, rows: list[dict]) -> Dimension:
    """The first substantive post against the window, and the answers each inject asked for."""
    weight = scenario.rubric.weights.get("early", 0)
    first = state.first_substantive
    if first is None:
        first_part, reasons = 0.0, [("no_substantive_post", {})]
    else:
        window = scenario.window
        if first <= window / 2:
            first_part = 100.0
        else:
            first_part = max(0.0, 100 * (2 * window - first) / (1.5 * window))
        reasons = [("first_post_at", {"minute": round(first), "window": window})]
    due = [
        r for r in rows if r["status"] in (Timeliness.ON_TIME, Timeliness.LATE, Timeliness.MISSED)
    ]
    if not due:
        return Dimension("early", weight, round(first_part, 1), reasons)
    on_time = sum(1 for r in due if r["status"] == Timeliness.ON_TIME)
    late = sum(1 for r in due if r["status"] == Timeliness.LATE)
    answered = 100 * (on_time + LATE_CREDIT * late) / len(due)
    reasons.append(
        (
            "responses",
            {
                "on_time": on_time,
                "late": late,
                "missed": len(due) - on_time - late,
                "due": len(due),
            },
        )
    )
    score = FIRST_POST_SHARE * first_part + (1 - FIRST_POST_SHARE) * answered
    return Dimension("early", weight, round(score, 1), reasons)


def well_score(scenario: Scenario, state: State, overrides: dict) -> Dimension:
    weight = scenario.rubric.weights.get("well", 0)
    posts = state.posts()
    if not posts:
        return Dimension("well", weight, 0.0, [("no_posts", {})])
    scores = [overrides.get(p.ref, p.score.well) for p in posts]
    reasons = []
    counts: dict[str, int] = {}
    for post in posts:
        for reason in post.score.reasons:
            counts[reason] = counts.get(reason, 0) + 1
    for reason, count in sorted(counts.items()):
        reasons.append(
            (reason, {"count": count, "posts": len(posts), "max_chars": scenario.rubric.max_chars})
        )
    if any(p.ref in overrides for p in posts):
        reasons.append(("reviewed", {"count": sum(1 for p in posts if p.ref in overrides)}))
    return Dimension("well", weight, round(sum(scores) / len(scores), 1), reasons)


def truthful_score(scenario: Scenario, state: State) -> Dimension:
    """Known facts stated and promises kept, less false statements (half if corrected) and posts
    that stated precise facts the trainee could not yet know."""
    weight = scenario.rubric.weights.get("truthful", 0)
    required = [f.id for f in scenario.facts if f.required]
    stated = [f for f in required if f in state.stated]
    facts_part = 70 * (len(stated) / len(required) if required else 1)
    made = [p for p in state.promises if p[0] + PROMISE_MINUTES <= state.minute or p[1] is not None]
    kept = [p for p in made if p[1] is not None]
    promise_part = 30 * (len(kept) / len(made) if made else 1)
    corrected = sum(1 for _, claim in state.contradicted if claim in state.corrected)
    uncorrected = len(state.contradicted) - corrected
    speculating = [p for p in state.posts() if p.score.speculation]
    penalty = (
        FALSE_POINTS * uncorrected
        + CORRECTED_POINTS * corrected
        + SPECULATION_POINTS * len(speculating)
    )
    score = max(0.0, facts_part + promise_part - penalty)
    reasons = [("facts_stated", {"stated": len(stated), "required": len(required)})]
    if made:
        reasons.append(("promises_kept", {"kept": len(kept), "made": len(made)}))
    if state.contradicted:
        reasons.append(("false_statements", {"count": len(state.contradicted)}))
    if corrected:
        reasons.append(("corrected", {"count": corrected}))
    if speculating:
        reasons.append(("speculation", {"count": len(speculating)}))
    return Dimension("truthful", weight, round(score, 1), reasons)


def reach_score(start_reach: float, final_reach: float, population: float) -> float:
    """100 while the rumours reach no more people than at the start, 0 when they reach everyone:
    on a log scale, as rumours spread geometrically."""
    if start_reach <= 0 or final_reach <= start_reach:
        return 100.0
    if population <= start_reach:
        return 0.0
    return _clamp(
        100 * (1 - math.log(final_reach / start_reach) / math.log(population / start_reach))
    )


def outcome_score(scenario: Scenario, state: State) -> Dimension:
    """Where the situation ended: the mean of final trust, sentiment and the rumours' reach."""
    weight = scenario.rubric.weights.get("outcome", 0)
    start_reach = sum(min(r.reach, scenario.population) for r in scenario.rumours)
    reach = reach_score(start_reach, state.total_reach, scenario.population)
    score = (state.trust + state.sentiment + reach) / 3
    reasons = [
        (
            "final_state",
            {
                "trust": round(state.trust),
                "sentiment": round(state.sentiment),
                "reach": f"{state.total_reach:,}",
                "population": f"{scenario.population:,}",
            },
        )
    ]
    return Dimension("outcome", weight, round(score, 1), reasons)


def decision_points(scenario: Scenario, state: State) -> list[tuple]:
    """The decisions taken whose option adds points to the total or takes them away."""
    found = []
    for inject_id, option_id in state.decisions.items():
        inject = scenario.inject(inject_id)
        option = next(o for o in inject.decision.options if o.id == option_id)
        if option.effects.get("score"):
            found.append((inject, option, option.effects["score"]))
    return found


def _answer(scenario: Scenario, state: State, inject: Inject) -> Event | None:
    """The trainee's first action that answers a fired inject: for a reply, a reply to it or to its
    persona, or a post that names the persona's handle."""
    fired_at = next(
        (i for i, e in enumerate(state.log) if e.kind == "inject" and e.inject == inject.id), None
    )
    if fired_at is None:
        return None
    posts = post_actions()
    persona = scenario.persona(inject.persona)
    handles = [fold(h) for h in (persona.handle.values() if persona else []) if h.startswith("@")]
    same_persona = {i.id for i in scenario.injects if i.persona == inject.persona}
    for event in state.log[fired_at + 1 :]:
        if inject.expects == "post" and event.kind in posts:
            return event
        if inject.expects == "reply" and event.kind in posts:
            if event.kind == "reply" and event.inject in same_persona:
                return event
            if any(h in fold(event.text) for h in handles):
                return event
        if inject.expects == "call" and event.kind == "call":
            return event
        if inject.expects == "decide" and event.kind == "decide" and event.inject == inject.id:
            return event
    return None


def expected_vs_actual(scenario: Scenario, state: State) -> list[dict]:
    """For every inject that fired: what was expected, what the trainee did and when."""
    rows = []
    for inject_id, minute in sorted(state.fired.items(), key=lambda pair: pair[1]):
        inject = scenario.inject(inject_id)
        answer = _answer(scenario, state, inject) if inject.expects != "none" else None
        if inject.expects == "none":
            status = Timeliness.NOT_EXPECTED
        elif answer is None:
            waiting = not state.finished and state.minute < minute + inject.within
            status = Timeliness.PENDING if waiting else Timeliness.MISSED
        elif answer.minute - minute <= inject.within:
            status = Timeliness.ON_TIME
        else:
            status = Timeliness.LATE
        rows.append({"inject": inject, "minute": minute, "answer": answer, "status": status})
    return rows


def _gives(scenario: Scenario, score: PostScore, fact_id: str) -> bool:
    """Whether a post gives a fact's figures (its precise words), or, for a fact without any, the
    fact itself: what a department must have confirmed first."""
    fact = scenario.fact(fact_id)
    if fact is not None and (fact.precise.get("zh") or fact.precise.get("en")):
        return fact_id in score.figures
    return fact_id in score.claimed


def check_condition(
    scenario: Scenario, state: State, rows: list[dict], condition: PassCondition
) -> ConditionResult:
    """Whether a run met one pass condition, and why not."""
    if condition.kind == "called":
        department = scenario.persona(condition.called)
        calls = [
            i for i, e in enumerate(state.log) if e.kind == "call" and e.persona == condition.called
        ]
        if not calls:
            return ConditionResult(condition, False, "not_called", {"department": department})
        posts = post_actions()
        stated_first = next(
            (
                e
                for e in state.log[: calls[0]]
                if e.kind in posts
                and any(_gives(scenario, e.score, fact) for fact in condition.before)
            ),
            None,
        )
        if stated_first is not None:
            return ConditionResult(
                condition,
                False,
                "stated_before_call",
                {"department": department, "minute": round(stated_first.minute)},
            )
        return ConditionResult(
            condition,
            True,
            "called",
            {"department": department, "minute": round(state.log[calls[0]].minute)},
        )
    if condition.kind == "answered":
        fired = [r for r in rows if r["inject"].id in condition.answered]
        good = (Timeliness.ON_TIME,) if condition.on_time else (Timeliness.ON_TIME, Timeliness.LATE)
        failed = [r["inject"] for r in fired if r["status"] not in good]
        if failed:
            code = "not_answered_in_time" if condition.on_time else "not_answered"
            return ConditionResult(condition, False, code, {"injects": failed})
        return ConditionResult(condition, True, "answered" if fired else "nothing_to_answer", {})
    if condition.kind == "stated":
        missing = [scenario.fact(f) for f in condition.stated if f not in state.stated]
        if missing:
            return ConditionResult(condition, False, "not_stated", {"facts": missing})
        return ConditionResult(condition, True, "stated", {})
    made = [scenario.false_claim(c) for _, c in state.contradicted]
    if condition.false_statements == "corrected":
        made = [scenario.false_claim(c) for _, c in state.contradicted if c not in state.corrected]
    if made:
        code = "false_statement_made" if condition.false_statements == "none" else "not_corrected"
        return ConditionResult(condition, False, code, {"claims": made})
    return ConditionResult(condition, True, "no_false_statement", {})


def questioned(scenario: Scenario, state: State) -> list[tuple[Event, list[tuple[str, dict]]]]:
    """The posts whose claims were not taken at face value, each with why: a fact stated before the
    trainee could know it, a false statement, or a false claim refuted (which counts in its favour)."""
    found = []
    for post in state.posts():
        notes = []
        for kind, ids in (
            ("speculation", post.score.speculation),
            ("unverified", post.score.unverified),
        ):
            for fact_id in ids:
                notes.append(
                    (
                        kind,
                        {
                            "fact": scenario.fact(fact_id),
                            "sources": scenario.learned_from(fact_id),
                        },
                    )
                )
        notes += [("false", {"claim": scenario.false_claim(c)}) for c in post.score.contradictions]
        notes += [("refuted", {"claim": scenario.false_claim(c)}) for c in post.score.refuted]
        if notes:
            found.append((post, notes))
    return found


def improvement_plan(
    scenario: Scenario,
    state: State,
    dimensions: list[Dimension],
    rows: list[dict],
    conditions: list[ConditionResult] = (),
    decisions: list[tuple] = (),
) -> list[tuple[str, dict]]:
    plan = []
    early = dimensions[0]
    if state.first_substantive is None:
        plan.append(("post_within_window", {"window": scenario.window}))
    elif early.score < 100 and state.first_substantive > scenario.window / 2:
        plan.append(
            ("post_earlier", {"minute": round(state.first_substantive), "window": scenario.window})
        )
    posts = state.posts()
    refusals = sorted({w for p in posts for w in p.score.penalised})
    if refusals:
        plan.append(("avoid_phrases", {"phrases": "、".join(refusals)}))
    if any("too_long" in p.score.reasons for p in posts):
        plan.append(("shorter_posts", {"max_chars": scenario.rubric.max_chars}))
    if any("no_empathy" in p.score.reasons for p in posts):
        plan.append(("show_empathy", {}))
    if any("no_next_step" in p.score.reasons for p in posts):
        plan.append(("say_next_steps", {}))
    early_claims = sorted({f for p in posts for f in p.score.speculation + p.score.unverified})
    if early_claims:
        plan.append(("verify_first", {"facts": [scenario.fact(f) for f in early_claims]}))
    missing = [f for f in scenario.facts if f.required and f.id not in state.stated]
    if missing:
        plan.append(("state_facts", {"facts": missing}))
        callable_ = {d.id for d in scenario.departments if set(d.reveals) & {f.id for f in missing}}
        called = {e.persona for e in state.log if e.kind == "call"}
        if callable_ - called:
            plan.append(
                (
                    "call_departments",
                    {"departments": [scenario.persona(d) for d in sorted(callable_ - called)]},
                )
            )
    uncorrected = [c for _, c in state.contradicted if c not in state.corrected]
    if uncorrected:
        plan.append(
            (
                "check_before_posting",
                {"claims": [scenario.false_claim(c) for c in dict.fromkeys(uncorrected)]},
            )
        )
    if any(p[1] is None for p in state.promises if p[0] + PROMISE_MINUTES <= state.minute):
        plan.append(("keep_promises", {}))
    missed = [r["inject"] for r in rows if r["status"] in (Timeliness.MISSED, Timeliness.LATE)]
    if missed:
        plan.append(("answer_injects", {"injects": missed}))
    costly = [option for _, option, points in decisions if points < 0]
    if costly:
        plan.append(("rethink_decisions", {"options": costly}))
    failed = [c.condition for c in conditions if not c.held]
    if failed:
        plan.append(("meet_conditions", {"conditions": failed}))
    return plan or [("keep_it_up", {})]


def scores(scenario: Scenario, state: State, overrides: dict | None = None) -> Scores:
    """Score a run on early / well / truthful (and outcome, when the rubric weighs it), add the
    decisions' points, and check the pass conditions; with reasons and an improvement plan."""
    overrides = overrides or {}
    rows = expected_vs_actual(scenario, state)
    dimensions = [
        early_score(scenario, state, rows),
        well_score(scenario, state, overrides),
        truthful_score(scenario, state),
    ]
    if "outcome" in scenario.rubric.weights:
        dimensions.append(outcome_score(scenario, state))
    weight = sum(d.weight for d in dimensions) or 1
    weighted = round(sum(d.score * d.weight for d in dimensions) / weight, 1)
    decisions = decision_points(scenario, state)
    total = round(_clamp(weighted + sum(points for _, _, points in decisions)), 1)
    conditions = [check_condition(scenario, state, rows, c) for c in scenario.pass_conditions]
    passed = total >= scenario.min_score and all(c.held for c in conditions)
    plan = improvement_plan(scenario, state, dimensions, rows, conditions, decisions)
    return Scores(dimensions, total, plan, passed, conditions, decisions, weighted)
