"""A crisis-response scenario as plain values (see docs/exercises.md). No Flask, no database."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

CHANNELS = ("post", "comment", "mention", "call", "news", "instruction")
PERSONA_KINDS = ("netizen", "journalist", "superior", "department", "media")
DISPOSITIONS = ("hostile", "anxious", "neutral", "supportive")
EXPECTS = ("post", "reply", "call", "decide", "none")
TRIGGERS = ("contradiction", "silence")
MAIN = "main"
DEFAULT_COSTS = {"post": 10, "reply": 5, "call": 10, "decide": 5}
# People a rumour can reach when a scenario names no population: a province's internet users.
DEFAULT_POPULATION = 50_000_000


@dataclass
class Fact:
    id: str
    text: dict
    keywords: dict
    required: bool = True
    # Figures, dates and names: stated before the trainee could know them, they are speculation.
    precise: dict = field(default_factory=dict)

    @property
    def words(self) -> dict:
        """Every keyword that states the fact, the general ones and the precise ones."""
        return {
            lang: list(self.keywords.get(lang, [])) + list(self.precise.get(lang, []))
            for lang in ("zh", "en")
        }


@dataclass
class Contradiction:
    id: str
    text: dict
    keywords: dict


@dataclass
class Rumour:
    id: str
    text: dict
    reach: float
    growth: float
    countered_by: list[str]
    # What the rumour sounds like: refuting it counters it; saying it as one's own is a false statement.
    keywords: dict = field(default_factory=dict)


@dataclass
class Persona:
    id: str
    kind: str
    name: dict
    handle: dict = field(
        default_factory=lambda: {"zh": "", "en": ""}
    )  # @name on the microblog, or a phone line
    disposition: str = "neutral"
    reveals: list[str] = field(default_factory=list)
    reply: dict = field(default_factory=lambda: {"zh": "", "en": ""})

    def __post_init__(self):
        # Scenarios stored before handles had an English form keep a bare Chinese string.
        if isinstance(self.handle, str):
            self.handle = {"zh": self.handle, "en": ""}


@dataclass
class Option:
    id: str
    text: dict
    effects: dict = field(default_factory=dict)
    goto: str | None = None
    reveals: list[str] = field(default_factory=list)  # facts the trainee learns by choosing it


@dataclass
class Decision:
    prompt: dict
    options: list[Option]


@dataclass
class Inject:
    id: str
    at: int
    channel: str
    persona: str
    text: dict
    branch: str = MAIN
    trigger: str | None = None
    reveals: list[str] = field(default_factory=list)
    expects: str = "none"
    within: int = 30
    expected: dict = field(default_factory=lambda: {"zh": "", "en": ""})
    decision: Decision | None = None


@dataclass
class PassCondition:
    """One thing a run must have done to pass, whatever its total (docs/exercises.md)."""

    id: str
    text: dict
    called: str = ""  # this department was called ...
    before: list[str] = field(default_factory=list)  # ... before any post stated these facts
    answered: list[str] = field(
        default_factory=list
    )  # each of these injects that fired was answered
    on_time: bool = False  # ... within its deadline
    stated: list[str] = field(default_factory=list)  # these facts were stated
    false_statements: str = ""  # none: no false statement; corrected: each one corrected

    @property
    def kind(self) -> str:
        if self.called:
            return "called"
        if self.answered:
            return "answered"
        if self.stated:
            return "stated"
        return "false_statements"


@dataclass
class Calibration:
    """A post with the verdict the rubric must give it; `content check` replays it."""

    text: str
    verdict: dict  # facts / counters / false / speculation / unverified: ids; passes: bool
    at: float | None = None  # the post's minute; by default right after the setup
    after: list[str] = field(default_factory=list)  # setup: "call finance", "wait 10", "decide i o"
    reply_to: str = ""  # an inject id: the post is a reply to it


@dataclass
class Rubric:
    weights: dict  # early / well / truthful / outcome -> weight, adding to 100
    behaviours: dict  # dimension -> {"zh": [...], "en": [...]}
    max_chars: int = 140
    penalised: dict = field(default_factory=dict)
    empathy: dict = field(default_factory=dict)
    next_steps: dict = field(default_factory=dict)
    promises: dict = field(default_factory=dict)


@dataclass
class Capability:
    """A capability the exercise evaluates, as in HSEEP's exercise evaluation guides: what observers
    rate each team on, with the critical tasks they can see being done (或没做到)."""

    id: str
    name: dict
    tasks: list[dict] = field(default_factory=list)


@dataclass
class Scenario:
    slug: str
    title: dict
    summary: dict
    role: dict
    handle: dict
    briefing: dict
    clock: str
    seconds_per_minute: int
    costs: dict
    duration: int
    window: int
    start: dict
    min_score: float
    facts: list[Fact]
    contradictions: list[Contradiction]
    rumours: list[Rumour]
    personas: list[Persona]
    injects: list[Inject]
    rubric: Rubric
    debrief: dict
    # Added later, so scenarios stored before them load with these defaults.
    briefing_reveals: list[str] = field(default_factory=list)
    population: int = DEFAULT_POPULATION
    pass_conditions: list[PassCondition] = field(default_factory=list)
    calibration: list[Calibration] = field(default_factory=list)
    # Observers rate teams on these; scenarios stored before they existed have none.
    capabilities: list[Capability] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Scenario:
        data = dict(data)
        data["facts"] = [Fact(**f) for f in data["facts"]]
        data["contradictions"] = [Contradiction(**c) for c in data["contradictions"]]
        data["rumours"] = [Rumour(**r) for r in data["rumours"]]
        data["personas"] = [Persona(**p) for p in data["personas"]]
        injects = []
        for raw in data["injects"]:
            raw = dict(raw)
            if raw.get("decision"):
                decision = dict(raw["decision"])
                decision["options"] = [Option(**o) for o in decision["options"]]
                raw["decision"] = Decision(**decision)
            injects.append(Inject(**raw))
        data["injects"] = injects
        data["rubric"] = Rubric(**data["rubric"])
        data["pass_conditions"] = [PassCondition(**c) for c in data.get("pass_conditions", [])]
        data["calibration"] = [Calibration(**c) for c in data.get("calibration", [])]
        data["capabilities"] = [Capability(**c) for c in data.get("capabilities") or []]
        return cls(**data)

    def persona(self, persona_id: str) -> Persona | None:
        return next((p for p in self.personas if p.id == persona_id), None)

    def inject(self, inject_id: str) -> Inject | None:
        return next((i for i in self.injects if i.id == inject_id), None)

    def fact(self, fact_id: str) -> Fact | None:
        return next((f for f in self.facts if f.id == fact_id), None)

    def rumour(self, rumour_id: str) -> Rumour | None:
        return next((r for r in self.rumours if r.id == rumour_id), None)

    def false_claim(self, claim_id: str) -> Contradiction | Rumour | None:
        """A false statement the trainee may make: a contradiction, or a rumour said as their own."""
        return next((c for c in self.contradictions if c.id == claim_id), None) or self.rumour(
            claim_id
        )

    def learned_from(self, fact_id: str) -> list[tuple]:
        """Where the trainee learns a fact: ("briefing",), ("call", persona), ("inject", inject),
        ("option", inject, option)."""
        sources: list[tuple] = [("briefing",)] if fact_id in self.briefing_reveals else []
        sources += [("call", p) for p in self.departments if fact_id in p.reveals]
        for inject in self.injects:
            if fact_id in inject.reveals:
                sources.append(("inject", inject))
            if inject.decision:
                sources += [
                    ("option", inject, o) for o in inject.decision.options if fact_id in o.reveals
                ]
        return sources

    def capability(self, capability_id: str) -> Capability | None:
        return next((c for c in self.capabilities if c.id == capability_id), None)

    @property
    def departments(self) -> list[Persona]:
        return [p for p in self.personas if p.kind == "department"]
