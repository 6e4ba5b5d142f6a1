"""Read and check scenario files, naming every problem as `path:line: message` (docs/exercises.md)."""

from __future__ import annotations

import re
from pathlib import Path

from courseware.content.files import LANGUAGES, parse_yaml, Problem, Reader, SLUG
from courseware.exercises.scenario import (
    Capability,
    CHANNELS,
    Contradiction,
    Decision,
    DEFAULT_COSTS,
    DISPOSITIONS,
    EXPECTS,
    Fact,
    Inject,
    MAIN,
    Option,
    Persona,
    PERSONA_KINDS,
    Rubric,
    Rumour,
    Scenario,
    TRIGGERS,
)

TOP_FIELDS = {
    "title",
    "summary",
    "role",
    "handle",
    "briefing",
    "clock",
    "seconds_per_minute",
    "costs",
    "duration",
    "window",
    "start",
    "min_score",
    "facts",
    "contradictions",
    "rumours",
    "personas",
    "injects",
    "rubric",
    "capabilities",
    "debrief",
}
INJECT_FIELDS = {
    "id",
    "at",
    "channel",
    "persona",
    "text",
    "branch",
    "trigger",
    "reveals",
    "expects",
    "within",
    "expected",
    "decision",
}
METRICS = ("sentiment", "trust", "reach")
# Chinese characters: an English handle must have none, or English readers see Chinese names.
CHINESE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class ScenarioReader(Reader):
    def keywords(self, value, key: tuple, required: bool = False) -> dict:
        """{zh: [...], en: [...]} lists of words; a bare list counts as Chinese."""
        if value is None:
            if required:
                self.problem(key, "keywords are needed: {zh: [...], en: [...]}")
            return {"zh": [], "en": []}
        if isinstance(value, list):
            value = {"zh": value}
        if not isinstance(value, dict) or set(value) - set(LANGUAGES):
            self.problem(key, "keywords are written {zh: [...], en: [...]}")
            return {"zh": [], "en": []}
        result = {}
        for lang in LANGUAGES:
            words = value.get(lang) or []
            if not isinstance(words, list) or not all(
                isinstance(w, (str, int)) and str(w).strip() for w in words
            ):
                self.problem(key + (lang,), f"{lang} keywords must be a list of words")
                words = []
            result[lang] = [str(w).strip() for w in words]
        if required and not (result["zh"] or result["en"]):
            self.problem(key, "at least one keyword is needed")
        return result

    def handle(self, value, key: tuple, required: bool = False) -> dict:
        """An account's handle in each language: "@江城小王", or {zh: "@江城小王", en: "@JiangchengXiaoWang"}.
        A bare string is the Chinese handle; English readers see it until the file gives an English one."""
        if value is None and not required:
            return {"zh": "", "en": ""}
        shaped = isinstance(value, (str, int)) and not isinstance(value, bool)
        if isinstance(value, dict):
            shaped = not set(value) - set(LANGUAGES) and all(
                v is None or (isinstance(v, (str, int)) and not isinstance(v, bool))
                for v in value.values()
            )
        if not shaped:
            self.problem(key, 'a handle is written "@名字" or {zh: "@名字", en: "@Name"}')
            return {"zh": "", "en": ""}
        result = self.text(value, key, required=False)
        if not result["zh"] and (required or result["en"]):
            self.problem(key, "the Chinese handle (zh) is missing")
        for lang in LANGUAGES:
            if "\n" in result[lang]:
                self.problem(key + (lang,), "a handle is one line")
        if CHINESE.search(result["en"]):
            self.problem(
                key + ("en",),
                f"the English handle {result['en']} has Chinese characters: write it in English, such as @JiangchengXiaoWang",
            )
        return result

    def ident(self, data: dict, key: tuple, seen: dict, what: str) -> str | None:
        value = data.get("id")
        if not isinstance(value, str) or not SLUG.match(value):
            self.problem(
                key + ("id",), f"a {what} needs an id of lowercase letters, digits and hyphens"
            )
            return None
        if value in seen:
            self.problem(
                key + ("id",), f"{what} id {value} is used twice (also line {seen[value]})"
            )
            return None
        seen[value] = self.line(key + ("id",))
        return value

    def items(self, data: dict, name: str, required: bool = True) -> list:
        value = data.get(name)
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value):
            self.problem((name,), f"{name} must be a list")
            return []
        return value

    def fact_ids(self, raw: dict, key: tuple, name: str, known: set, message: str) -> list[str]:
        """A list of fact ids (reveals, countered_by), each checked against the facts defined."""
        value = raw.get(name) or []
        if not isinstance(value, list):
            self.problem(key + (name,), message)
            return []
        for j, fid in enumerate(value):
            if fid not in known:
                self.problem(key + (name, j), f"unknown fact {fid}")
        return [str(f) for f in value]

    def entries(self, data: dict, name: str, what: str, required: bool = True):
        """Each well-formed entry of a list of mappings with ids: (key, entry, id); the rest are reported."""
        seen: dict = {}
        for i, raw in enumerate(self.items(data, name, required)):
            key = (name, i)
            if self.mapping(raw, key, what) is not None and (
                ident := self.ident(raw, key, seen, what.split()[-1])
            ):
                yield key, raw, ident

    def mapping(self, value, key: tuple, what: str) -> dict | None:
        if not isinstance(value, dict):
            self.problem(key, f"{what} must be a mapping")
            return None
        return value

    def whole(self, value, key: tuple, name: str, low=0, high=10_000, default=None):
        if value is None and default is not None:
            return default
        number = self.number(value, key, name, low, high, whole=True)
        return default if number is None else number


def _facts(r: ScenarioReader, data: dict) -> list[Fact]:
    facts = []
    for key, raw, fid in r.entries(data, "facts", "a fact"):
        required = raw.get("required", True)
        if not isinstance(required, bool):
            r.problem(key + ("required",), "required must be true or false")
        facts.append(
            Fact(
                fid,
                r.text(raw.get("text"), key + ("text",)),
                r.keywords(raw.get("keywords"), key + ("keywords",), required=True),
                required is not False,
            )
        )
    return facts


def _contradictions(r: ScenarioReader, data: dict) -> list[Contradiction]:
    found = []
    for key, raw, cid in r.entries(data, "contradictions", "a contradiction", required=False):
        found.append(
            Contradiction(
                cid,
                r.text(raw.get("text"), key + ("text",)),
                r.keywords(raw.get("keywords"), key + ("keywords",), required=True),
            )
        )
    return found


def _rumours(r: ScenarioReader, data: dict, fact_ids: set) -> list[Rumour]:
    rumours = []
    for key, raw, rid in r.entries(data, "rumours", "a rumour"):
        reach = r.number(raw.get("reach"), key + ("reach",), "reach", 0, 1e9)
        growth = r.number(raw.get("growth"), key + ("growth",), "growth", 0, 1)
        countered = r.fact_ids(
            raw,
            key,
            "countered_by",
            fact_ids,
            "countered_by must list the facts that counter this rumour",
        )
        if not countered and isinstance(raw.get("countered_by"), list):
            r.problem(
                key + ("countered_by",), "countered_by must list the facts that counter this rumour"
            )
        rumours.append(
            Rumour(
                rid,
                r.text(raw.get("text"), key + ("text",)),
                float(reach or 0),
                float(growth or 0),
                countered,
            )
        )
    return rumours


def _personas(r: ScenarioReader, data: dict, fact_ids: set) -> list[Persona]:
    personas = []
    for key, raw, pid in r.entries(data, "personas", "a persona"):
        kind = raw.get("kind")
        if kind not in PERSONA_KINDS:
            r.problem(key + ("kind",), f"kind must be one of: {', '.join(PERSONA_KINDS)}")
        disposition = raw.get("disposition", "neutral")
        if disposition not in DISPOSITIONS:
            r.problem(
                key + ("disposition",), f"disposition must be one of: {', '.join(DISPOSITIONS)}"
            )
        reveals = r.fact_ids(raw, key, "reveals", fact_ids, "reveals must list fact ids")
        if reveals and kind != "department":
            r.problem(key + ("reveals",), "only a department can be called to reveal facts")
        personas.append(
            Persona(
                pid,
                kind if kind in PERSONA_KINDS else "netizen",
                r.text(raw.get("name"), key + ("name",)),
                r.handle(raw.get("handle"), key + ("handle",)),
                disposition if disposition in DISPOSITIONS else "neutral",
                reveals,
                r.text(raw.get("reply"), key + ("reply",), required=False),
            )
        )
    return personas


def _decision(r: ScenarioReader, raw, key: tuple) -> Decision | None:
    if r.mapping(raw, key, "a decision") is None:
        return None
    options, seen = [], {}
    raw_options = raw.get("options")
    if not isinstance(raw_options, list) or len(raw_options) < 2:
        r.problem(key + ("options",), "a decision needs at least two options")
        raw_options = []
    for i, opt in enumerate(raw_options):
        k = key + ("options", i)
        if r.mapping(opt, k, "an option") is None or not (oid := r.ident(opt, k, seen, "option")):
            continue
        effects = opt.get("effects") or {}
        if not isinstance(effects, dict):
            r.problem(k + ("effects",), "effects must be a mapping such as {trust: 5, reach: -20}")
            effects = {}
        for metric, value in effects.items():
            if metric not in METRICS:
                r.problem(
                    k + ("effects", metric),
                    f"unknown metric {metric!r}; one of: {', '.join(METRICS)}",
                )
            elif r.number(value, k + ("effects", metric), metric, -100, 100) is None:
                pass
        goto = opt.get("goto")
        if goto is not None and (not isinstance(goto, str) or not SLUG.match(goto)):
            r.problem(k + ("goto",), "goto must name a branch")
            goto = None
        options.append(
            Option(
                oid,
                r.text(opt.get("text"), k + ("text",)),
                {
                    m: float(v)
                    for m, v in effects.items()
                    if m in METRICS and isinstance(v, (int, float))
                },
                goto,
            )
        )
    return Decision(r.text(raw.get("prompt"), key + ("prompt",)), options)


def _injects(
    r: ScenarioReader, data: dict, persona_ids: set, fact_ids: set, duration: int
) -> list[Inject]:
    seen: dict = {}
    injects = []
    last_at: dict[str, tuple[int, int]] = {}
    for i, raw in enumerate(r.items(data, "injects")):
        key = ("injects", i)
        if r.mapping(raw, key, "an inject") is None or not (
            iid := r.ident(raw, key, seen, "inject")
        ):
            continue
        for extra in sorted(set(raw) - INJECT_FIELDS, key=str):
            r.problem(key + (extra,), f"unknown inject field {extra!r}")
        at = r.whole(raw.get("at"), key + ("at",), "at", 0, max(duration, 0))
        channel = raw.get("channel")
        if channel not in CHANNELS:
            r.problem(key + ("channel",), f"channel must be one of: {', '.join(CHANNELS)}")
        persona = raw.get("persona")
        if persona not in persona_ids:
            r.problem(key + ("persona",), f"unknown persona {persona}")
        branch = raw.get("branch", MAIN)
        if not isinstance(branch, str) or not SLUG.match(branch):
            r.problem(
                key + ("branch",), "branch must be a name of lowercase letters, digits and hyphens"
            )
            branch = MAIN
        trigger = raw.get("trigger")
        if trigger is not None and trigger not in TRIGGERS:
            r.problem(key + ("trigger",), f"trigger must be one of: {', '.join(TRIGGERS)}")
        reveals = r.fact_ids(raw, key, "reveals", fact_ids, "reveals must list fact ids")
        expects = raw.get("expects", "none")
        if expects not in EXPECTS:
            r.problem(key + ("expects",), f"expects must be one of: {', '.join(EXPECTS)}")
        within = r.whole(
            raw.get("within"), key + ("within",), "within", 0, max(duration, 0), default=30
        )
        decision = (
            _decision(r, raw["decision"], key + ("decision",))
            if raw.get("decision") is not None
            else None
        )
        if expects == "decide" and decision is None:
            r.problem(key + ("expects",), "expects decide needs a decision")
        if decision is not None and expects != "decide":
            r.problem(key + ("decision",), "an inject with a decision expects decide")
        if at is not None and trigger is None:
            previous = last_at.get(branch)
            if previous and at < previous[0]:
                r.problem(
                    key + ("at",),
                    f"at {at} comes before the previous inject of branch {branch} (at {previous[0]}, line {previous[1]}): keep each branch in time order",
                )
            last_at[branch] = (at, r.line(key + ("at",)))
        injects.append(
            Inject(
                iid,
                at or 0,
                channel if channel in CHANNELS else "post",
                str(persona),
                r.text(raw.get("text"), key + ("text",)),
                branch,
                trigger,
                reveals,
                expects if expects in EXPECTS else "none",
                within or 0,
                r.text(raw.get("expected"), key + ("expected",), required=expects != "none"),
                decision,
            )
        )
    return injects


def _rubric(r: ScenarioReader, data: dict) -> Rubric:
    raw = r.mapping(data.get("rubric"), ("rubric",), "rubric") or {}
    weights, behaviours = {}, {}
    for dimension in ("early", "well", "truthful"):
        if dimension not in raw:
            r.problem(("rubric",), f"the rubric needs the dimension {dimension}")
    for dimension, spec in raw.items():
        key = ("rubric", dimension)
        if r.mapping(spec, key, f"rubric {dimension}") is None:
            continue
        weight = r.number(spec.get("weight"), key + ("weight",), "weight", 0, 100)
        weights[dimension] = float(weight or 0)
        behaviours[dimension] = r.keywords(
            spec.get("behaviours"), key + ("behaviours",), required=True
        )
    if weights and abs(sum(weights.values()) - 100) > 1e-6:
        r.problem(("rubric",), f"the rubric's weights add up to {sum(weights.values()):g}, not 100")
    well = raw.get("well") if isinstance(raw.get("well"), dict) else {}
    truthful = raw.get("truthful") if isinstance(raw.get("truthful"), dict) else {}
    return Rubric(
        weights=weights,
        behaviours=behaviours,
        max_chars=r.whole(
            well.get("max_chars"),
            ("rubric", "well", "max_chars"),
            "max_chars",
            10,
            2000,
            default=140,
        ),
        penalised=r.keywords(well.get("penalised"), ("rubric", "well", "penalised")),
        empathy=r.keywords(well.get("empathy"), ("rubric", "well", "empathy")),
        next_steps=r.keywords(well.get("next_steps"), ("rubric", "well", "next_steps")),
        promises=r.keywords(truthful.get("promises"), ("rubric", "truthful", "promises")),
    )


def _capabilities(r: ScenarioReader, data: dict) -> list[Capability]:
    """The capabilities observers rate, each with the critical tasks they can see done."""
    found = []
    for key, raw, cid in r.entries(data, "capabilities", "a capability", required=False):
        tasks = raw.get("tasks")
        if not isinstance(tasks, list) or not tasks:
            r.problem(key + ("tasks",), "a capability needs a list of critical tasks")
            tasks = []
        found.append(
            Capability(
                cid,
                r.text(raw.get("name"), key + ("name",)),
                [r.text(task, key + ("tasks", j)) for j, task in enumerate(tasks)],
            )
        )
    return found


def _check_branches(r: ScenarioReader, injects: list[Inject]) -> None:
    targets = {o.goto for i in injects if i.decision for o in i.decision.options if o.goto}
    branches = {i.branch for i in injects}
    for index, inject in enumerate(injects):
        if inject.decision:
            for j, option in enumerate(inject.decision.options):
                if option.goto and option.goto not in branches:
                    r.problem(
                        ("injects", index, "decision", "options", j, "goto"),
                        f"goto {option.goto}: no inject belongs to that branch",
                    )
        if inject.branch != MAIN and inject.branch not in targets:
            r.problem(
                ("injects", index, "branch"),
                f"branch {inject.branch} is never reached: no decision option goes there",
            )


def parse_scenario(text: str, path: str, slug: str) -> tuple[Scenario | None, list[Problem]]:
    data, lines, problems = parse_yaml(text, path)
    if problems:
        return None, problems
    r = ScenarioReader(path, lines)
    if not isinstance(data, dict):
        r.problem((), "a scenario file is a mapping of fields")
        return None, r.problems
    for extra in sorted(set(data) - TOP_FIELDS, key=str):
        r.problem((extra,), f"unknown field {extra!r}")
    clock = data.get("clock", "turns")
    if clock not in ("turns", "realtime"):
        r.problem(("clock",), "clock must be turns or realtime")
    costs = dict(DEFAULT_COSTS)
    raw_costs = data.get("costs") or {}
    if not isinstance(raw_costs, dict):
        r.problem(("costs",), "costs must be a mapping such as {post: 10}")
        raw_costs = {}
    for action, value in raw_costs.items():
        if action not in DEFAULT_COSTS:
            r.problem(
                ("costs", action), f"unknown action {action!r}; one of: {', '.join(DEFAULT_COSTS)}"
            )
        else:
            costs[action] = r.whole(
                value, ("costs", action), action, 0, 600, default=DEFAULT_COSTS[action]
            )
    duration = r.whole(data.get("duration"), ("duration",), "duration", 1, 24 * 60) or 0
    window = r.whole(data.get("window"), ("window",), "window", 1, max(duration, 1)) or 1
    start = data.get("start") or {}
    if not isinstance(start, dict):
        r.problem(("start",), "start must be a mapping such as {sentiment: 50, trust: 60}")
        start = {}
    metrics = {"sentiment": 50.0, "trust": 50.0}
    for name, value in start.items():
        if name not in metrics:
            r.problem(("start", name), f"unknown metric {name!r}; one of: sentiment, trust")
        elif (number := r.number(value, ("start", name), name, 0, 100)) is not None:
            metrics[name] = float(number)
    facts = _facts(r, data)
    fact_ids = {f.id for f in facts}
    contradictions = _contradictions(r, data)
    rumours = _rumours(r, data, fact_ids)
    personas = _personas(r, data, fact_ids)
    injects = _injects(r, data, {p.id for p in personas}, fact_ids, duration)
    _check_branches(r, injects)
    rubric = _rubric(r, data)
    min_score = r.number(data.get("min_score", 60), ("min_score",), "min_score", 0, 100)
    scenario = Scenario(
        slug=slug,
        title=r.text(data.get("title"), ("title",)),
        summary=r.text(data.get("summary"), ("summary",), required=False),
        role=r.text(data.get("role"), ("role",)),
        handle=r.handle(data.get("handle"), ("handle",), required=True),
        briefing=r.text(data.get("briefing"), ("briefing",)),
        clock=clock,
        seconds_per_minute=r.whole(
            data.get("seconds_per_minute"),
            ("seconds_per_minute",),
            "seconds_per_minute",
            1,
            600,
            default=10,
        ),
        costs=costs,
        duration=duration,
        window=window,
        start=metrics,
        min_score=float(min_score if min_score is not None else 60),
        facts=facts,
        contradictions=contradictions,
        rumours=rumours,
        personas=personas,
        injects=injects,
        rubric=rubric,
        debrief=r.text(data.get("debrief"), ("debrief",)),
        capabilities=_capabilities(r, data),
    )
    return (scenario, []) if not r.problems else (None, r.problems)


def load_scenario_file(
    path: Path, shown: str | None = None
) -> tuple[Scenario | None, list[Problem]]:
    shown = shown or str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [Problem(shown, 1, "the file must be saved as UTF-8")]
    return parse_scenario(text, shown, path.stem)


def load_all_scenarios(root: Path) -> tuple[dict[str, list[Scenario]], list[Problem]]:
    """Every exercises/<course>/<slug>.yaml: scenarios by course slug, and all problems."""
    found: dict[str, list[Scenario]] = {}
    problems: list[Problem] = []
    if not root.is_dir():
        return found, problems
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for path in sorted(folder.iterdir()):
            shown = str(path.relative_to(root.parent)) if root.parent in path.parents else str(path)
            if path.suffix != ".yaml" or not SLUG.match(path.stem):
                problems.append(Problem(shown, 1, "an exercise file is named <scenario-slug>.yaml"))
                continue
            scenario, found_problems = load_scenario_file(path, shown)
            problems += found_problems
            if scenario:
                found.setdefault(folder.name, []).append(scenario)
    return found, sorted(problems)
