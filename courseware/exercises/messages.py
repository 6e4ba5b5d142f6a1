"""The engine speaks in codes; these are its words in the user's language."""

from flask_babel import lazy_gettext as _l

from courseware.i18n import text

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
}

DIMENSIONS = {
    "early": _l("Speak early (早讲话)"),
    "well": _l("Speak well (会讲话)"),
    "truthful": _l("Speak truthfully (讲实话)"),
}

REASONS = {
    "no_substantive_post": _l("No substantive official post was made."),
    "first_post_at": _l(
        "First substantive post at minute %(minute)s (window: %(window)s minutes)."
    ),
    "no_posts": _l("No posts or replies."),
    "penalised": _l("%(count)s of %(posts)s posts used phrases that shut the public out."),
    "too_long": _l("%(count)s of %(posts)s posts were longer than %(max_chars)s characters."),
    "no_empathy": _l("%(count)s of %(posts)s posts showed no understanding of people's worries."),
    "no_substance": _l("%(count)s of %(posts)s posts stated no fact."),
    "no_next_step": _l("%(count)s of %(posts)s posts said nothing of what happens next."),
    "reviewed": _l("%(count)s posts were scored by an instructor."),
    "facts_stated": _l("%(stated)s of %(required)s key facts stated."),
    "promises_kept": _l("%(kept)s of %(made)s promised updates delivered within the hour."),
    "false_statements": _l("%(count)s statements contradicted the facts."),
}

PLAN = {
    "post_within_window": _l(
        "Publish a first post with the facts you have within %(window)s minutes, even if it is short: say what you know, what you are doing and when you will say more."
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
}

EXPECTS = {
    "post": _l("post"),
    "reply": _l("reply"),
    "call": _l("call"),
    "decide": _l("decide"),
    "none": _l("—"),
}
STATUS = {"on_time": _l("on time"), "late": _l("late"), "missed": _l("missed"), "none": _l("—")}
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


def _param(value, scenario):
    """Plan parameters may be facts, personas, injects or contradictions: show their texts."""
    if isinstance(value, list):
        return "；".join(_param(v, scenario) for v in value)
    if hasattr(value, "name") and isinstance(value.name, dict):
        return text(value.name)
    if hasattr(value, "text") and isinstance(value.text, dict):
        return text(value.text)[:60]
    return str(value)


def say(table: dict, code: str, params: dict, scenario=None) -> str:
    message = table.get(code)
    if message is None:
        return code
    return str(message) % {k: _param(v, scenario) for k, v in params.items()}
