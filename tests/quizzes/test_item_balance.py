"""The repository's quiz items give nothing away by their form.

A test-wise learner picks the longest option, and answers "false" to any statement with an absolute
word in it. Over every quiz and bank file of every course: in no more than a third of the items
where one option is chosen is the keyed option the longest on its own (in either language), true/false
keys are balanced, and no true/false statement carries an absolute word the key could hinge on.
"""

from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from courseware.quizzes.files import load_all_quizzes

REPO = Path(__file__).resolve().parents[2]
LANGUAGES = ("zh", "en")

# Words that make a statement sweeping: a learner guesses "false" on seeing them.
ABSOLUTE_ZH = (
    "只能",
    "只要",
    "只是",
    "只有",
    "仅仅",
    "亲自",
    "充分",
    "一律",
    "全部",
    "所有",
    "任何",
    "唯一",
    "完全",
    "绝对",
    "总是",
    "从不",
    "从来",
    "必须",
    "一切",
    "普遍",
    "一定",
    "永远",
    "毫无",
    "彻底",
)
ABSOLUTE_EN = (
    "only",
    "always",
    "never",
    "entirely",
    "completely",
    "fully",
    "personally",
    "himself",
    "every",
    "must",
)


@cache  # the files are read once for all the tests here; no test changes what it gets
def repository_questions():
    found, problems = load_all_quizzes(REPO / "quizzes", ZoneInfo("Asia/Shanghai"))
    assert [str(p) for p in problems] == []
    return tuple(q for course in found for q in course.questions)


def one_choice_items(questions):
    """Items where the learner chooses one option: single choice and chosen blanks."""
    return [q for q in questions if q.type == "single" or (q.type == "fill" and q.fill_choices)]


def keyed_uniquely_longest(question, lang: str) -> bool:
    best = max(o.weight for o in question.options)
    keyed = [o for o in question.options if o.weight == best]
    others = [o for o in question.options if o.weight != best]
    longest_other = max(len(o.text[lang].strip()) for o in others)
    return all(len(o.text[lang].strip()) > longest_other for o in keyed)


def absolute_words(text: str, lang: str) -> list[str]:
    if lang == "zh":
        return [w for w in ABSOLUTE_ZH if w in text]
    words = {w.strip(".,;:!?“”‘’\"'()").lower() for w in text.split()}
    return [w for w in ABSOLUTE_EN if w in words]


def test_the_keyed_option_is_the_longest_about_as_often_as_chance_has_it():
    items = one_choice_items(repository_questions())
    assert len(items) >= 20
    for lang in LANGUAGES:
        longest = [q.name for q in items if keyed_uniquely_longest(q, lang)]
        assert len(longest) * 3 <= len(items), (lang, len(longest), len(items), longest)
        assert len(longest) * 10 >= len(items), (lang, len(longest), len(items))


def test_true_false_keys_are_balanced():
    items = [q for q in repository_questions() if q.type == "truefalse"]
    assert len(items) >= 6
    true = sum(1 for q in items if q.answer)
    assert 0.4 <= true / len(items) <= 0.6, (true, len(items))


def test_no_true_false_statement_hinges_on_an_absolute_word():
    found = {
        (q.name, lang): words
        for q in repository_questions()
        if q.type == "truefalse"
        for lang in LANGUAGES
        if (words := absolute_words(q.text[lang], lang))
    }
    assert found == {}


def test_the_measures_see_what_they_should():
    """The helpers themselves: a long key, a short key, and absolute words in both languages."""
    from courseware.quizzes.questions import Option, Question

    def single(*lengths):
        options = [Option({"zh": "字" * n, "en": "w" * n}) for n in lengths]
        options[0].weight = 100
        return Question(type="single", name="q", text={"zh": "", "en": ""}, options=options)

    assert keyed_uniquely_longest(single(9, 3, 4), "zh")
    assert not keyed_uniquely_longest(single(9, 9, 4), "zh")
    assert not keyed_uniquely_longest(single(2, 3, 4), "en")
    assert absolute_words("网友只能关注一个账号", "zh") == ["只能"]
    assert absolute_words("Users can follow only one account.", "en") == ["only"]
    assert absolute_words("Users can follow one account.", "en") == []
