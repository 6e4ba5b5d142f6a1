"""The engine speaks in codes; these are its words in the user's language."""

import re
from dataclasses import dataclass

from flask_babel import get_locale, ngettext
from flask_babel import lazy_gettext as _l

from courseware.exercises.engine import Timeliness
from courseware.exercises.models import LiveStatus
from courseware.i18n import text


@dataclass(frozen=True)
class Plural:
    """A message whose English form follows the number in its parameter `count`: said through
    ngettext when it is said (`make update-translations` extracts it as a plural)."""

    singular: str
    plural: str
    count: str


ACTION_ERRORS = {
    "empty_post": _l("Write something before posting."),
    "no_such_message": _l("That message cannot be answered."),
    "no_such_department": _l("There is no such department to call."),
    "no_such_decision": _l("That decision is not open."),
    "already_decided": _l("That decision has already been made."),
    "no_such_option": _l("Choose one of the options."),
    "no_such_inject": _l("That event has already been published."),
    "finished": _l("This exercise has ended."),
    "live_not_running": _l("The instructor has not started the exercise yet."),
    "unknown_action": _l("That action is not possible here."),
    "not_now": _l("That cannot be done in the exercise's present state."),
    "live_paused": _l("The instructor has paused the exercise: wait until it resumes."),
    "spokesperson_publishes": _l(
        "Your team's spokesperson publishes for the team: propose your text to them instead."
    ),
    "no_such_draft": _l("That proposal has already been published or set aside."),
    "not_spokesperson": _l("Only the team's spokesperson may publish a proposal."),
}

DIMENSIONS = {
    "early": _l("Speak early (早讲话)"),
    "well": _l("Speak well (会讲话)"),
    "truthful": _l("Speak truthfully (讲实话)"),
    "outcome": _l("Outcome (结果)"),
}

REASONS = {
    "no_substantive_post": _l("No substantive official post was made."),
    "first_post_at": Plural(
        "First substantive post at minute %(minute)s (window: %(window)s minute).",
        "First substantive post at minute %(minute)s (window: %(window)s minutes).",
        "window",
    ),
    "no_posts": _l("No posts or replies."),
    "penalised": Plural(
        "%(count)s of %(posts)s post used phrases that shut the public out.",
        "%(count)s of %(posts)s posts used phrases that shut the public out.",
        "posts",
    ),
    "too_long": Plural(
        "%(count)s of %(posts)s post was longer than %(max_chars)s characters.",
        "%(count)s of %(posts)s posts were longer than %(max_chars)s characters.",
        "posts",
    ),
    "no_empathy": Plural(
        "%(count)s of %(posts)s post showed no understanding of people's worries.",
        "%(count)s of %(posts)s posts showed no understanding of people's worries.",
        "posts",
    ),
    "no_substance": Plural(
        "%(count)s of %(posts)s post stated no fact.",
        "%(count)s of %(posts)s posts stated no fact.",
        "posts",
    ),
    "no_next_step": Plural(
        "%(count)s of %(posts)s post said nothing of what happens next.",
        "%(count)s of %(posts)s posts said nothing of what happens next.",
        "posts",
    ),
    "reviewed": Plural(
        "%(count)s post was scored by an instructor.",
        "%(count)s posts were scored by an instructor.",
        "count",
    ),
    "facts_stated": Plural(
        "%(stated)s of %(required)s key fact stated.",
        "%(stated)s of %(required)s key facts stated.",
        "required",
    ),
    "promises_kept": Plural(
        "%(kept)s of %(made)s promised update delivered within the hour.",
        "%(kept)s of %(made)s promised updates delivered within the hour.",
        "made",
    ),
    "false_statements": Plural(
        "%(count)s statement contradicted the facts.",
        "%(count)s statements contradicted the facts.",
        "count",
    ),
    "responses": Plural(
        "Of %(due)s message that needed an answer: %(on_time)s answered on time, %(late)s late, %(missed)s missed.",
        "Of %(due)s messages that needed an answer: %(on_time)s answered on time, %(late)s late, %(missed)s missed.",
        "due",
    ),
    "corrected": Plural(
        "%(count)s false statement was corrected openly, which halves its cost.",
        "%(count)s false statements were corrected openly, which halves their cost.",
        "count",
    ),
    "speculation": Plural(
        "%(count)s post stated precise facts before you could know them: speculation.",
        "%(count)s posts stated precise facts before you could know them: speculation.",
        "count",
    ),
    "final_state": _l(
        "At the end: trust %(trust)s, public sentiment %(sentiment)s; the rumours had reached %(reach)s of %(population)s people."
    ),
}

PLAN = {
    "post_within_window": Plural(
        "Publish a first post with the facts you have within %(window)s minute, even if it is short: say what you know, what you are doing and when you will say more.",
        "Publish a first post with the facts you have within %(window)s minutes, even if it is short: say what you know, what you are doing and when you will say more.",
        "window",
    ),
    "post_earlier": _l(
        "Your first substantive post came at minute %(minute)s; aim for the first half of the %(window)s-minute window."
    ),
    "avoid_phrases": _l("Never use phrases that shut people out, such as: %(phrases)s."),
    "shorter_posts": _l(
        "Keep each post within %(max_chars)s characters: one point per post, in plain words."
    ),
    "show_empathy": _l("Begin by acknowledging people's worries before giving facts."),
    "say_next_steps": _l("End each post with what happens next and when the next update comes."),
    "state_facts": _l("State these facts in your posts: %(facts)s."),
    "call_departments": _l(
        "Call %(departments)s: they would have told you facts you did not state."
    ),
    "check_before_posting": _l(
        "Check claims before posting; you stated what the facts contradict: %(claims)s. Correct a mistake openly and at once."
    ),
    "keep_promises": _l("When you promise an update, deliver it on time."),
    "answer_injects": _l("Answer these in time: %(injects)s."),
    "keep_it_up": _l("Well done: early, well and truthful. Keep practising with harder branches."),
    "verify_first": _l(
        "Check before you publish: you stated these before you had learned them, so they did not count: %(facts)s"
    ),
    "rethink_decisions": _l(
        "Think again about these choices, which cost points (the debrief says why): %(options)s"
    ),
    "meet_conditions": _l("To pass, you must also meet these conditions: %(conditions)s"),
}

# Why a pass condition held or not.
CONDITIONS = {
    "not_called": _l("You did not call %(department)s."),
    "stated_before_call": _l(
        "At minute %(minute)s you posted what %(department)s would tell you, before you had called them."
    ),
    "called": _l(
        "You called %(department)s at minute %(minute)s, before posting what they told you."
    ),
    "not_answered": _l("Not answered: %(injects)s"),
    "not_answered_in_time": _l("Not answered in time: %(injects)s"),
    "answered": _l("Answered."),
    "nothing_to_answer": _l("None of these messages came in this run."),
    "not_stated": _l("Not stated: %(facts)s"),
    "stated": _l("Stated."),
    "false_statement_made": _l("A false statement was made: %(claims)s"),
    "not_corrected": _l("Not corrected: %(claims)s"),
    "no_false_statement": _l("No false statement left standing."),
}

# What the engine made of a post's claims, for the report to say which post and why.
NOTES = {
    "speculation": _l(
        "States a precise fact before you had learned it, so it counts as speculation and costs points: %(fact)s (you learn it from %(sources)s)"
    ),
    "unverified": _l(
        "States a fact before you had learned it, so it did not count: %(fact)s (you learn it from %(sources)s)"
    ),
    "false": _l("Contradicts the facts: %(claim)s"),
    "refuted": _l(
        "Refutes a false claim, which counts as countering it, not as saying it: %(claim)s"
    ),
}

# Where a fact is learned.
SOURCES = {
    "briefing": _l("the briefing"),
    "call": _l("a call to %(name)s"),
    "inject": _l("the message from %(name)s"),
    "option": _l("choosing “%(option)s”"),
}

EXPECTS = {
    "post": _l("post"),
    "reply": _l("reply"),
    "call": _l("call"),
    "decide": _l("decide"),
    "none": _l("—"),
}
STATUS = {
    Timeliness.ON_TIME: _l("on time"),
    Timeliness.LATE: _l("late"),
    Timeliness.MISSED: _l("missed"),
    Timeliness.PENDING: _l("not yet due"),
    Timeliness.NOT_EXPECTED: _l("—"),
}
# A live class's state as the instructor's pages name it; the teams' page waits for the instructor.
LIVE_STATUS = {
    LiveStatus.WAITING: _l("waiting to start"),
    LiveStatus.RUNNING: _l("running"),
    LiveStatus.PAUSED: _l("paused"),
    LiveStatus.FINISHED: _l("finished"),
}
TEAM_LIVE_STATUS = {**LIVE_STATUS, LiveStatus.WAITING: _l("waiting for the instructor")}
CHANNELS = {
    "post": _l("Microblog post"),
    "comment": _l("Comment"),
    "mention": _l("@-mention"),
    "call": _l("Phone call"),
    "news": _l("News report"),
    "instruction": _l("Instruction from a superior"),
}


def error_message(error) -> str:
    return str(ACTION_ERRORS.get(error.code, error.code))


def source(value, scenario=None) -> str:
    """Where a fact is learned, from scenario.learned_from: ("call", persona) and the like."""
    kind = value[0]
    if kind == "call":
        return str(SOURCES[kind]) % {"name": text(value[1].name)}
    if kind == "inject":
        persona = scenario.persona(value[1].persona) if scenario else None
        return str(SOURCES[kind]) % {"name": text(persona.name) if persona else value[1].id}
    if kind == "option":
        return str(SOURCES[kind]) % {"option": text(value[2].text)}
    return str(SOURCES[kind])


# A sentence ends here; in English only when a space or the end follows.
SENTENCE = re.compile(
    r"(?<=[。！？])(?![”’」』）)])|(?<=[。！？][”’」』])|(?<=[.!?])\s+|(?<=[.!?][\"”’'])\s+"
)
# Said again at the end of a list item, these would double the message's own punctuation.
TRAILING = "。；;，,、：:."
# Quotes within a plan item are kept short: whole sentences up to about this many characters.
EXCERPT_CHARS = 80


def sentences(value: str) -> list[str]:
    """A text cut into its sentences, each with its closing mark."""
    return [part.strip() for part in SENTENCE.split(value or "") if part.strip()]


def excerpt(value: str, limit: int = EXCERPT_CHARS) -> str:
    """The text's first whole sentences, as many as fit in `limit` characters (at least one), and
    an ellipsis when sentences were left out: never a sentence cut in the middle."""
    parts = sentences(value)
    kept: list[str] = []
    for part in parts:
        if kept and len("".join(kept)) + len(part) > limit:
            break
        kept.append(part)
    joined = ("" if CHINESE_TEXT.search(value or "") else " ").join(kept)
    if len(kept) < len(parts):
        return joined.rstrip(TRAILING) + ("……" if CHINESE_TEXT.search(joined) else " …")
    return joined


def clause(value: str) -> str:
    """A text as an item of a list inside a sentence: without its full stop or semicolon, which the
    list's separator and the sentence's own end replace ("。；" and "。。" never appear)."""
    return (value or "").strip().rstrip(TRAILING)


CHINESE_TEXT = re.compile(r"[\u3400-\u9fff]")


def _chinese_reader() -> bool:
    locale = get_locale()
    return locale is None or locale.language == "zh"


def _quote(value: str) -> str:
    """A quotation of whole sentences, in the reader's quotation marks."""
    quoted = excerpt(value)
    # A question or an exclamation keeps its mark inside the quotation; a full stop gives way to
    # the sentence's own.
    return f"“{quoted if quoted.endswith(('！', '？', '!', '?')) else clause(quoted)}”"


def _param(value, scenario):
    """Plan parameters may be facts, personas, injects or contradictions: show their texts. A list
    is joined with the reader's semicolon; an inject is quoted, in whole sentences, under the name
    of whoever sent it."""
    if isinstance(value, tuple) and value and value[0] in SOURCES:
        return source(value, scenario)
    if isinstance(value, list):
        separator = "；" if _chinese_reader() else "; "
        return separator.join(_param(v, scenario) for v in value)
    if hasattr(value, "name") and isinstance(value.name, dict):
        return text(value.name)
    if hasattr(value, "persona") and isinstance(getattr(value, "text", None), dict):
        sender = scenario.persona(value.persona) if scenario is not None else None
        quoted = _quote(text(value.text))
        if sender is None:
            return quoted
        return f"{text(sender.name)}{'：' if _chinese_reader() else ': '}{quoted}"
    if hasattr(value, "text") and isinstance(value.text, dict):
        return clause(excerpt(text(value.text)))
    return clause(str(value))


def say(table: dict, code: str, params: dict, scenario=None) -> str:
    message = table.get(code)
    if message is None:
        return code
    values = {k: _param(v, scenario) for k, v in params.items()}
    if isinstance(message, Plural):
        return ngettext(message.singular, message.plural, int(params[message.count]), **values)
    return str(message) % values


# What fires an inject that waits for something the trainee does (or does not do).
TRIGGERS = {
    "contradiction": _l("after a false statement"),
    "silence": _l("unless a substantive post came first"),
}

# HSEEP's ratings of a capability, as observers choose them and reports show them.
RATING_LABELS = {
    "P": _l("P: performed without challenges"),
    "S": _l("S: performed with some challenges"),
    "M": _l("M: performed with major challenges"),
    "U": _l("U: unable to be performed"),
}

OBSERVATION_ERRORS = {
    "no_such_instructor": _l("No active instructor has that user name."),
    "already_in_charge": _l("That instructor runs this exercise already."),
    "already_observer": _l("That instructor is already an observer."),
    "no_such_observer": _l("That person is not an observer of this run."),
    "empty_note": _l("Write the note before saving it."),
    "no_such_inject": _l("Choose an inject from the list."),
    "no_such_team": _l("Choose a team from the list."),
    "no_such_note": _l("That note no longer exists."),
    "not_yours": _l("Only its author or the instructor running the exercise may delete a note."),
    "no_such_capability": _l("That capability is not in the scenario."),
    "no_such_rating": _l("Choose P, S, M, U or not rated."),
}


def observation_error(error) -> str:
    return str(OBSERVATION_ERRORS.get(error.code, error.code))
