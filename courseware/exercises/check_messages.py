"""`content check`'s problems with a scenario, said in the reader's language.

The checker (files.py) writes its messages in English for the command line; the editor shows
each one on its line in the page's language. Each pattern below matches one message of the
checker and names its parts, which are identifiers and numbers from the file, left as they are.
A message no pattern knows is shown as the checker wrote it (the page marks it as English).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from courseware.content.files import Problem
from courseware.content.messages import MessageTable

# What PyYAML says is wrong, for the commonest slips of hand-written YAML.
YAML_PROBLEMS = {
    "mapping values are not allowed here": _l(
        "a colon where YAML does not expect one: put the text in quotes, or check the indentation"
    ),
    "could not find expected ':'": _l("a key without its colon (key: value)"),
    "found character '\\t' that cannot start any token": _l(
        "a tab character: indent with spaces only"
    ),
    "found undefined alias": _l("an alias (*name) that no anchor (&name) defines"),
    "did not find expected key": _l("the indentation does not match the lines above"),
    "expected <block end>, but found '-'": _l(
        "a list item (-) at an indentation that does not match the list"
    ),
    "found unexpected end of stream": _l("the file ends inside a quoted text: close the quotes"),
    "did not find expected ',' or ']'": _l("a list in brackets [...] that is not closed"),
    "did not find expected ',' or '}'": _l("a mapping in braces {...} that is not closed"),
    "found duplicate anchor": _l("the same anchor (&name) is defined twice"),
}

ONE_OF = r"[^;]+"

PATTERNS: list[tuple[str, object]] = [
    (r"bad YAML: (?P<yaml>.+)", _l("The YAML cannot be read here: %(yaml)s.")),
    (r"unknown field '(?P<name>[^']*)'", _l("Unknown field “%(name)s”.")),
    (
        r"unknown (?P<what>inject|pass condition|calibration) field '(?P<name>[^']*)'",
        _l("Unknown field “%(name)s” here."),
    ),
    (r"unknown fact (?P<id>\S+)", _l("There is no fact “%(id)s” in facts.")),
    (r"unknown persona (?P<id>\S+)", _l("There is no persona “%(id)s” in personas.")),
    (r"unknown inject (?P<id>\S+)", _l("There is no inject “%(id)s” in injects.")),
    (r"unknown id (?P<id>\S+) in (?P<name>\S+)", _l("Unknown id “%(id)s” in %(name)s.")),
    (r"the Chinese text \(zh\) is missing", _l("The Chinese text (zh) is missing.")),
    (r"the Chinese handle \(zh\) is missing", _l("The Chinese handle (zh) is missing.")),
    (
        r"a text is a string or a mapping with zh \(and en\)",
        _l("A text is written as a string, or as zh: and en: under each other."),
    ),
    (
        r"put the text in quotes: YAML reads a bare Yes, No, On or Off as true or false",
        _l("Put the text in quotes: YAML reads a bare Yes, No, On or Off as true or false."),
    ),
    (r"(?P<name>\S+) must be a whole number", _l("%(name)s must be a whole number.")),
    (r"(?P<name>\S+) must be a number", _l("%(name)s must be a number.")),
    (
        r"(?P<name>\S+) must be between (?P<low>\S+) and (?P<high>\S+)",
        _l("%(name)s must be between %(low)s and %(high)s."),
    ),
    (r"(?P<name>\S+) must be a list", _l("%(name)s must be a list.")),
    (r"(?P<what>.+) must be a mapping", _l("This must be a mapping of fields (key: value).")),
    (
        r"a (?P<what>.+) needs an id of lowercase letters, digits and hyphens",
        _l("This entry needs an id of lowercase letters, digits and hyphens."),
    ),
    (
        r"(?P<what>.+) id (?P<id>\S+) is used twice \(also line (?P<line>\d+)\)",
        _l("The id “%(id)s” is used twice (also on line %(line)s)."),
    ),
    (
        r"(?P<name>channel|disposition|expects|kind|trigger) must be one of: (?P<choices>.+)",
        _l("%(name)s must be one of: %(choices)s."),
    ),
    (
        r"at (?P<at>\S+) comes before the previous inject of branch (?P<branch>\S+) \(at (?P<prev>\S+), line (?P<line>\d+)\): keep each branch in time order",
        _l(
            "Minute %(at)s comes before the previous inject of branch %(branch)s (minute %(prev)s, "
            "line %(line)s): keep each branch in time order."
        ),
    ),
    (
        r"an inject that expects an answer needs within: its deadline in simulated minutes",
        _l("An inject that expects an answer needs within: its deadline in simulated minutes."),
    ),
    (
        r"fact (?P<id>\S+) is never learned: .*",
        _l(
            "Fact “%(id)s” is never learned: list it in briefing_reveals, or in the reveals of a "
            "department, an inject or a decision option."
        ),
    ),
    (
        r"the rubric's weights add up to (?P<sum>\S+), not 100",
        _l("The rubric's weights add up to %(sum)s, not 100."),
    ),
    (
        r"the rubric needs the dimension (?P<name>\S+)",
        _l("The rubric needs the dimension %(name)s."),
    ),
    (
        r"branch (?P<branch>\S+) is never reached: no decision option goes there",
        _l("Branch %(branch)s is never reached: no decision option goes there."),
    ),
    (
        r"goto (?P<branch>\S+): no inject belongs to that branch",
        _l("goto %(branch)s: no inject belongs to that branch."),
    ),
    (r"clock must be turns or realtime", _l("clock must be turns or realtime.")),
    (
        r"a decision needs at least two options",
        _l("A decision needs at least two options."),
    ),
    (r"(?P<name>\S+) must list fact ids", _l("%(name)s must list fact ids.")),
    (
        r"calibration post (?P<n>\d+) \((?P<text>.*)\): (?P<name>\S+) should be (?P<wanted>.+), the engine gives (?P<given>.+)",
        _l(
            "Calibration post %(n)s (%(text)s): %(name)s should be %(wanted)s; the engine gives "
            "%(given)s."
        ),
    ),
    (
        r"calibration post (?P<n>\d+) \((?P<text>.*)\) cannot be replayed: (?P<code>\S+)",
        _l("Calibration post %(n)s (%(text)s) cannot be replayed (%(code)s)."),
    ),
    (r"a scenario file is a mapping of fields", _l("A scenario file is a mapping of fields.")),
    (
        r"keywords are needed: \{zh: \[\.\.\.\], en: \[\.\.\.\]\}",
        _l("Keywords are needed: {zh: [...], en: [...]}."),
    ),
    (
        r"unknown (?P<what>action|metric|rubric dimension|verdict) '(?P<name>[^']*)'; one of: (?P<choices>.+)",
        _l("Unknown “%(name)s”; one of: %(choices)s."),
    ),
    # The shapes of the scenario's parts.
    (
        r"costs must be a mapping such as \{post: 10\}",
        _l("costs must be a mapping such as {post: 10}."),
    ),
    (
        r"start must be a mapping such as \{sentiment: 50, trust: 60\}",
        _l("start must be a mapping such as {sentiment: 50, trust: 60}."),
    ),
    (
        r"effects must be a mapping such as \{trust: 5, reach: -20\}",
        _l("effects must be a mapping such as {trust: 5, reach: -20}."),
    ),
    (
        r"keywords are written \{zh: \[\.\.\.\], en: \[\.\.\.\]\}",
        _l("Keywords are written {zh: [...], en: [...]}."),
    ),
    (
        r"(?P<lang>zh|en) keywords must be a list of words",
        _l("The %(lang)s keywords must be a list of words."),
    ),
    (r"at least one keyword is needed", _l("At least one keyword is needed.")),
    (
        r'a handle is written "@名字" or \{zh: "@名字", en: "@Name"\}',
        _l('A handle is written "@名字" or {zh: "@名字", en: "@Name"}.'),
    ),
    (r"a handle is one line", _l("A handle is one line.")),
    (
        r"the English handle (?P<handle>.+) has Chinese characters: write it in English, such as "
        r"@JiangchengXiaoWang",
        _l(
            "The English handle %(handle)s has Chinese characters: write it in English, such as "
            "@JiangchengXiaoWang."
        ),
    ),
    (
        r"(?P<name>required|on_time|passes) must be true or false",
        _l("%(name)s must be true or false."),
    ),
    # Rumours, departments, injects and decisions.
    (
        r"countered_by must list the facts that counter this rumour",
        _l("countered_by must list the facts that counter this rumour."),
    ),
    (
        r"rumour id (?P<id>\S+) is also a contradiction's id: give it another",
        _l("The rumour id “%(id)s” is also a contradiction's id: give it another."),
    ),
    (
        r"reach (?P<reach>\S+) is more than the population \((?P<population>\S+)\)",
        _l("The reach %(reach)s is more than the population (%(population)s)."),
    ),
    (
        r"only a department can be called to reveal facts",
        _l("Only a department (kind: department) can be called to reveal facts."),
    ),
    (r"goto must name a branch", _l("goto must name a branch.")),
    (
        r"branch must be a name of lowercase letters, digits and hyphens",
        _l("branch must be a name of lowercase letters, digits and hyphens."),
    ),
    (r"expects decide needs a decision", _l("expects: decide needs a decision.")),
    (
        r"an inject with a decision expects decide",
        _l("An inject with a decision expects decide (expects: decide)."),
    ),
    # Capabilities and pass conditions.
    (
        r"a capability needs a list of critical tasks",
        _l("A capability needs a list of critical tasks."),
    ),
    (
        r"a pass condition has one of: called, answered, stated, false_statements",
        _l("A pass condition has exactly one of: called, answered, stated, false_statements."),
    ),
    (
        r"called names a department; (?P<name>\S+) is none",
        _l("called names a department; “%(name)s” is none."),
    ),
    (r"before goes with called", _l("before goes with called.")),
    (r"answered must list inject ids", _l("answered must list inject ids.")),
    (
        r"false_statements must be none or corrected",
        _l("false_statements must be none or corrected."),
    ),
    # Calibration posts.
    (r"a calibration post needs its text", _l("A calibration post needs its text.")),
    (r"after must list setup steps", _l("after must list setup steps.")),
    (
        r"a setup step is call DEPARTMENT, wait MINUTES, decide INJECT OPTION, post TEXT or reply "
        r"INJECT TEXT",
        _l(
            "A setup step is call DEPARTMENT, wait MINUTES, decide INJECT OPTION, post TEXT or "
            "reply INJECT TEXT."
        ),
    ),
    (
        r"a verdict names at least one of: (?P<choices>.+)",
        _l("A verdict names at least one of: %(choices)s."),
    ),
    (r"(?P<name>\S+) must list ids", _l("%(name)s must list ids.")),
    # The file itself.
    (r"the file must be saved as UTF-8", _l("The file must be saved as UTF-8.")),
    (
        r"an exercise file is named <scenario-slug>\.yaml",
        _l("An exercise file is named <scenario-slug>.yaml."),
    ),
]
MESSAGES = MessageTable(PATTERNS)


@dataclass(frozen=True)
class ShownProblem:
    """A problem as the editor shows it: its line, and its message in the page's language."""

    line: int
    message: str
    translated: bool  # False: the checker's English words, shown as they are


def _yaml_problem(what: str) -> str:
    known = YAML_PROBLEMS.get(what.strip())
    return str(known) if known is not None else what


def say(message: str) -> tuple[str, bool]:
    """One checker message in the reader's language; and whether it could be translated."""
    found = MESSAGES.match(message)
    if found is None:
        return message, False
    template, params = found
    if "yaml" in params:
        known = params["yaml"].strip() in YAML_PROBLEMS
        params["yaml"] = _yaml_problem(params["yaml"])
        if not known:
            return _("The YAML cannot be read here: %(yaml)s.", yaml=params["yaml"]), False
    return str(template) % params, True


def shown(problems: list[Problem]) -> list[ShownProblem]:
    """The problems in line order, each in the reader's language."""
    return [ShownProblem(p.line, *say(p.message)) for p in sorted(problems, key=lambda p: p.line)]
