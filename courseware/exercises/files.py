"""Read and check scenario files, naming every problem as `path:line: message` (docs/exercises.md)."""

from __future__ import annotations

import re
from pathlib import Path

from courseware.content.files import LANGUAGES, parse_yaml, Problem, Reader, SLUG
from courseware.exercises import calibration as calibrating
from courseware.exercises.engine import ActionError
from courseware.exercises.scenario import (
    Calibration,
    Capability,
    CHANNELS,
    Contradiction,
    Decision,
    DEFAULT_COSTS,
    DEFAULT_POPULATION,
    DISPOSITIONS,
    EXPECTS,
    Fact,
    Inject,
    MAIN,
    Option,
    PassCondition,
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
    "briefing_reveals",
    "clock",
    "seconds_per_minute",
    "costs",
    "duration",
    "window",
    "start",
    "population",
    "min_score",
    "pass_conditions",
    "facts",
    "contradictions",
    "rumours",
    "personas",
    "injects",
    "rubric",
    "capabilities",
    "debrief",
    "calibration",
}
DIMENSIONS = ("early", "well", "truthful", "outcome")
CONDITION_FIELDS = {
    "id",
    "text",
    "called",
    "before",
    "answered",
    "on_time",
    "stated",
    "false_statements",
}
CALIBRATION_FIELDS = {"text", "at", "after", "reply_to", "verdict"}
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
METRICS = ("sentiment", "trust", "reach", "score")
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
                r.keywords(raw.get("precise"), key + ("precise",)),
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
                r.keywords(raw.get("keywords"), key + ("keywords",)),
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


def _decision(r: ScenarioReader, raw, key: tuple, fact_ids: set) -> Decision | None:
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
                r.fact_ids(opt, k, "reveals", fact_ids, "reveals must list fact ids"),
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
        if expects != "none" and raw.get("within") is None:
            r.problem(
                key + ("expects",),
                "an inject that expects an answer needs within: its deadline in simulated minutes",
            )
        within = r.whole(
            raw.get("within"), key + ("within",), "within", 0, max(duration, 0), default=30
        )
        decision = (
            _decision(r, raw["decision"], key + ("decision",), fact_ids)
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
        if dimension not in DIMENSIONS:
            r.problem(
                key, f"unknown rubric dimension {dimension!r}; one of: {', '.join(DIMENSIONS)}"
            )
            continue
        if r.mapping(spec, key, f"rubric {dimension}") is None:
            continue
        weight = r.number(spec.get("weight"), key + ("weight",), "weight", 0, 100)
        weights[dimension] = float(weight or 0)
        behaviours[dimension] = r.keywords(
            spec.get("behaviours"), key + ("behaviours",), required=True
        )
    if weights and abs(sum(weights.values()) - 100) > 1e-6:
        r.problem(("rubric",), f"the rubric's weights add up to {sum(weights.values()):g}, not 100")
    # Whatever order the file lists them in, pages show the dimensions in the order of DIMENSIONS.
    weights = {d: weights[d] for d in DIMENSIONS if d in weights}
    behaviours = {d: behaviours[d] for d in DIMENSIONS if d in behaviours}
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


def _check_claims(r: ScenarioReader, contradictions, rumours, population: int) -> None:
    """A false statement is named by its id, so a contradiction and a rumour never share one; no
    rumour starts beyond the population."""
    claims = {c.id for c in contradictions}
    for i, rumour in enumerate(rumours):
        if rumour.id in claims:
            r.problem(
                ("rumours", i, "id"),
                f"rumour id {rumour.id} is also a contradiction's id: give it another",
            )
        if rumour.reach > population:
            r.problem(
                ("rumours", i, "reach"),
                f"reach {rumour.reach:g} is more than the population ({population})",
            )


def _check_learned(r: ScenarioReader, scenario: Scenario) -> None:
    """A required fact the trainee can never learn could never be stated."""
    for i, fact in enumerate(scenario.facts):
        if fact.required and not scenario.learned_from(fact.id):
            r.problem(
                ("facts", i, "id"),
                f"fact {fact.id} is never learned: list it in briefing_reveals, or in the reveals "
                "of a department, an inject or a decision option",
            )


def _pass_conditions(
    r: ScenarioReader, data: dict, personas: list, injects: list, fact_ids: set
) -> list[PassCondition]:
    departments = {p.id for p in personas if p.kind == "department"}
    inject_ids = {i.id for i in injects}
    found = []
    for key, raw, cid in r.entries(data, "pass_conditions", "a pass condition", required=False):
        for extra in sorted(set(raw) - CONDITION_FIELDS, key=str):
            r.problem(key + (extra,), f"unknown pass condition field {extra!r}")
        tests = [t for t in ("called", "answered", "stated", "false_statements") if raw.get(t)]
        if len(tests) != 1:
            r.problem(
                key,
                "a pass condition has one of: called, answered, stated, false_statements",
            )
            continue
        called = raw.get("called") or ""
        if called and called not in departments:
            r.problem(key + ("called",), f"called names a department; {called} is none")
        before = r.fact_ids(raw, key, "before", fact_ids, "before must list fact ids")
        if before and not called:
            r.problem(key + ("before",), "before goes with called")
        answered = raw.get("answered") or []
        if isinstance(answered, str):
            answered = [answered]
        if not isinstance(answered, list):
            r.problem(key + ("answered",), "answered must list inject ids")
            answered = []
        for j, iid in enumerate(answered):
            if iid not in inject_ids:
                r.problem(key + ("answered", j), f"unknown inject {iid}")
        on_time = raw.get("on_time", False)
        if not isinstance(on_time, bool):
            r.problem(key + ("on_time",), "on_time must be true or false")
        stated = r.fact_ids(raw, key, "stated", fact_ids, "stated must list fact ids")
        false_statements = raw.get("false_statements") or ""
        if false_statements and false_statements not in ("none", "corrected"):
            r.problem(key + ("false_statements",), "false_statements must be none or corrected")
        found.append(
            PassCondition(
                cid,
                r.text(raw.get("text"), key + ("text",)),
                str(called),
                before,
                [str(i) for i in answered],
                on_time is True,
                stated,
                str(false_statements),
            )
        )
    return found


def _calibration(r: ScenarioReader, data: dict, scenario: Scenario) -> list[tuple]:
    """The calibration posts, on scenario.calibration; their keys, to name lines when replayed."""
    facts = {f.id for f in scenario.facts}
    rumours = {x.id for x in scenario.rumours}
    claims = {c.id for c in scenario.contradictions} | rumours
    known = {"facts": facts, "speculation": facts, "unverified": facts}
    known |= {"counters": rumours, "false_statements": claims}
    keys = []
    for i, raw in enumerate(r.items(data, "calibration", required=False)):
        key = ("calibration", i)
        if r.mapping(raw, key, "a calibration post") is None:
            continue
        for extra in sorted(set(raw) - CALIBRATION_FIELDS, key=str):
            r.problem(key + (extra,), f"unknown calibration field {extra!r}")
        text = raw.get("text")
        if not isinstance(text, str) or not text.strip():
            r.problem(key + ("text",), "a calibration post needs its text")
            continue
        at = raw.get("at")
        if at is not None:
            at = r.number(at, key + ("at",), "at", 0, max(scenario.duration, 0))
        after = raw.get("after") or []
        if not isinstance(after, list):
            r.problem(key + ("after",), "after must list setup steps")
            after = []
        for j, step in enumerate(after):
            try:
                calibrating.setup_action(str(step))
            except ValueError:
                r.problem(
                    key + ("after", j),
                    "a setup step is call DEPARTMENT, wait MINUTES, decide INJECT OPTION, "
                    "post TEXT or reply INJECT TEXT",
                )
        reply_to = raw.get("reply_to") or ""
        if reply_to and scenario.inject(reply_to) is None:
            r.problem(key + ("reply_to",), f"unknown inject {reply_to}")
        verdict = r.mapping(raw.get("verdict"), key + ("verdict",), "a verdict") or {}
        if raw.get("verdict") is not None and not verdict:
            r.problem(
                key + ("verdict",),
                "a verdict names at least one of: " + ", ".join(calibrating.VERDICT_KEYS),
            )
        for name, value in verdict.items():
            vkey = key + ("verdict", name)
            if name not in calibrating.VERDICT_KEYS:
                r.problem(
                    vkey, f"unknown verdict {name!r}; one of: {', '.join(calibrating.VERDICT_KEYS)}"
                )
            elif name == "passes":
                if not isinstance(value, bool):
                    r.problem(vkey, "passes must be true or false")
            elif not isinstance(value, list):
                r.problem(vkey, f"{name} must list ids")
            else:
                for j, ident in enumerate(value):
                    if ident not in known[name]:
                        r.problem(vkey + (j,), f"unknown id {ident} in {name}")
        scenario.calibration.append(
            Calibration(
                text.strip(),
                {k: v for k, v in verdict.items() if k in calibrating.VERDICT_KEYS},
                float(at) if isinstance(at, (int, float)) else None,
                [str(step) for step in after],
                str(reply_to),
            )
        )
        keys.append(key)
    return keys


def _shown(ids) -> str:
    if isinstance(ids, bool):
        return "true" if ids else "false"
    return "[" + ", ".join(ids) + "]" if ids else "none"


def _replay_calibration(r: ScenarioReader, scenario: Scenario, keys: list[tuple]) -> None:
    """Replay each calibration post; a verdict the engine no longer gives is a problem at its line."""
    for key, item in zip(keys, scenario.calibration, strict=True):
        label = f"calibration post {key[1] + 1} ({item.text[:16]}…)"
        try:
            found = calibrating.differences(scenario, item)
        except ActionError as error:
            r.problem(key + ("after",), f"{label} cannot be replayed: {error.code}")
            continue
        for name, wanted, given in found:
            r.problem(
                key + ("verdict", name),
                f"{label}: {name} should be {_shown(wanted)}, the engine gives {_shown(given)}",
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
    population = r.whole(
        data.get("population"),
        ("population",),
        "population",
        1,
        2_000_000_000,
        default=DEFAULT_POPULATION,
    )
    facts = _facts(r, data)
    fact_ids = {f.id for f in facts}
    briefing_reveals = r.fact_ids(
        data, (), "briefing_reveals", fact_ids, "briefing_reveals must list fact ids"
    )
    contradictions = _contradictions(r, data)
    rumours = _rumours(r, data, fact_ids)
    _check_claims(r, contradictions, rumours, population)
    personas = _personas(r, data, fact_ids)
    injects = _injects(r, data, {p.id for p in personas}, fact_ids, duration)
    _check_branches(r, injects)
    rubric = _rubric(r, data)
    min_score = r.number(data.get("min_score", 60), ("min_score",), "min_score", 0, 100)
    conditions = _pass_conditions(r, data, personas, injects, fact_ids)
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
        briefing_reveals=briefing_reveals,
        population=population,
        pass_conditions=conditions,
        capabilities=_capabilities(r, data),
    )
    _check_learned(r, scenario)
    lines = _calibration(r, data, scenario)
    if r.problems:
        return None, r.problems
    _replay_calibration(r, scenario, lines)
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
