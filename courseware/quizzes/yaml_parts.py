"""The YAML pieces question types are made of: reading texts, options, typed answers, numbers and
pairs (noting each problem at its line), and writing them back as an author would have written them.

Defaults (points 1, format markdown, empty texts, weight 0) are left out to keep files short.
"""

from __future__ import annotations

from courseware.content.files import Reader
from courseware.quizzes.questions import Number, Option, Pair

# --- reading ----------------------------------------------------------------------------------
# Reader (content.files) notes each problem at its line; the exercise files use it too.


def read_weight(reader: Reader, entry: dict, key: tuple, default: float) -> float:
    if "weight" in entry:
        value = reader.number(entry["weight"], key + ("weight",), "weight", -100, 100)
        return (value or 0) / 100
    if "correct" in entry:
        if not isinstance(entry["correct"], bool):
            reader.problem(key + ("correct",), "correct must be true or false")
        return 1.0 if entry["correct"] is True else 0.0
    return default


def read_options(reader: Reader, raw, key: tuple, kind: str) -> list[Option]:
    if not isinstance(raw, list) or len(raw) < 2:
        reader.problem(key, f"a {kind} question needs a list of at least two options")
        return []
    options = []
    for i, entry in enumerate(raw):
        k = key + (i,)
        if not isinstance(entry, dict) or "text" not in entry:
            reader.problem(k, "an option is a mapping with text (and correct, weight, feedback)")
            continue
        for extra in sorted(set(entry) - {"text", "correct", "weight", "feedback"}, key=str):
            reader.problem(k + (extra,), f"unknown option field {extra!r}")
        options.append(
            Option(
                text=reader.text(entry["text"], k + ("text",)),
                weight=read_weight(reader, entry, k, 0.0),
                feedback=reader.text(entry.get("feedback"), k + ("feedback",), required=False),
            )
        )
    return options


def read_answers(reader: Reader, raw, key: tuple) -> list[Option]:
    """Accepted typed answers: each a text or {text, weight, feedback}."""
    if not isinstance(raw, list) or not raw:
        reader.problem(key, "answers must list the accepted answers")
        return []
    answers = []
    for i, entry in enumerate(raw):
        k = key + (i,)
        if isinstance(entry, dict) and "text" in entry:
            answers.append(
                Option(
                    text=reader.text(entry["text"], k + ("text",)),
                    weight=read_weight(reader, entry, k, 1.0),
                    feedback=reader.text(entry.get("feedback"), k + ("feedback",), required=False),
                )
            )
        else:
            answers.append(Option(text=reader.text(entry, k), weight=1.0))
    return answers


def share_multiple(options: list[Option], raw: list) -> None:
    """Correct options without an explicit weight share the points equally."""
    unweighted = [
        o
        for o, r in zip(options, raw)
        if isinstance(r, dict) and "weight" not in r and o.weight > 0
    ]
    if unweighted:
        fixed = sum(
            o.weight
            for o, r in zip(options, raw)
            if isinstance(r, dict) and "weight" in r and o.weight > 0
        )
        share = max(0.0, 1.0 - fixed) / len(unweighted)
        for option in unweighted:
            option.weight = round(share, 7)


def read_numbers(reader: Reader, data: dict, key: tuple) -> list[Number]:
    if "answers" in data:
        raw = data["answers"]
        if not isinstance(raw, list) or not raw:
            reader.problem(key + ("answers",), "answers must list {answer, tolerance, weight}")
            return []
        entries = [(r, key + ("answers", i)) for i, r in enumerate(raw)]
    else:
        entries = [(data, key)]
    numbers = []
    for entry, k in entries:
        if not isinstance(entry, dict):
            reader.problem(k, "a numerical answer is a mapping")
            continue
        if "min" in entry or "max" in entry:
            low = reader.number(entry.get("min"), k + ("min",), "min")
            high = reader.number(entry.get("max"), k + ("max",), "max")
            if low is None or high is None:
                continue
            if low > high:
                reader.problem(k + ("min",), "min is above max")
                continue
            value, tolerance = (low + high) / 2, (high - low) / 2
        else:
            value = reader.number(entry.get("answer"), k + ("answer",), "answer")
            tolerance = reader.number(entry.get("tolerance", 0), k + ("tolerance",), "tolerance", 0)
            if value is None or tolerance is None:
                continue
        weight = read_weight(reader, entry, k, 1.0) if entry is not data else 1.0
        numbers.append(
            Number(
                value=float(value),
                tolerance=float(tolerance),
                weight=weight,
                feedback=reader.text(entry.get("feedback"), k + ("feedback",), required=False),
            )
        )
    return numbers


def read_pairs(reader: Reader, data: dict, key: tuple) -> list[Pair]:
    raw = data.get("pairs")
    if not isinstance(raw, list) or len(raw) < 2:
        reader.problem(key + ("pairs",), "a matching question needs at least two pairs")
        return []
    pairs = []
    for i, entry in enumerate(raw):
        k = key + ("pairs", i)
        if not isinstance(entry, dict) or set(entry) != {"left", "right"}:
            reader.problem(k, "a pair is a mapping with left and right")
            continue
        pairs.append(
            Pair(
                left=reader.text(entry["left"], k + ("left",)),
                right=reader.text(entry["right"], k + ("right",)),
            )
        )
    distractors = data.get("distractors") or []
    if not isinstance(distractors, list):
        reader.problem(key + ("distractors",), "distractors must be a list of texts")
        distractors = []
    for i, value in enumerate(distractors):
        pairs.append(
            Pair(left={"zh": "", "en": ""}, right=reader.text(value, key + ("distractors", i)))
        )
    return pairs


# --- writing ----------------------------------------------------------------------------------


def text_to_yaml(value: dict):
    """A text as a plain string when it has no translation, else as {zh, en}."""
    if not value.get("en"):
        return value.get("zh", "")
    return {"zh": value.get("zh", ""), "en": value["en"]}


def is_empty(value: dict) -> bool:
    return not any(value.values())


def plain_number(value: float):
    """3.0 as 3, so authors read the numbers they would have typed."""
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


def percent(weight: float):
    """The shortest percentage that the parser, dividing by 100, turns back into exactly this weight.

    weight * 100 carries float noise (0.07 * 100 == 7.000000000000001) that no author typed.
    """
    raw = weight * 100
    for digits in range(16):
        candidate = round(raw, digits)
        if candidate / 100 == weight:
            return plain_number(candidate)
    return plain_number(raw)


def choice_weight(weight: float, as_percent: bool = False) -> dict:
    """`correct: true` for full credit, `weight: <percent>` otherwise, nothing for 0 (the default)."""
    if weight == 0:
        return {}
    if weight == 1.0 and not as_percent:
        return {"correct": True}
    return {"weight": percent(weight)}


def option_to_yaml(option: Option, as_percent: bool = False) -> dict:
    """A choice of a single, multiple or fill question."""
    entry = {"text": text_to_yaml(option.text)}
    entry.update(choice_weight(option.weight, as_percent))
    if not is_empty(option.feedback):
        entry["feedback"] = text_to_yaml(option.feedback)
    return entry


def answer_to_yaml(option: Option):
    """An accepted typed answer: a bare text when it earns full credit and has no feedback."""
    if option.weight == 1.0 and is_empty(option.feedback):
        return text_to_yaml(option.text)
    entry = {"text": text_to_yaml(option.text)}
    # Typed answers default to full credit, so any other weight, 0 included, is written out.
    if option.weight != 1.0:
        entry["weight"] = percent(option.weight)
    if not is_empty(option.feedback):
        entry["feedback"] = text_to_yaml(option.feedback)
    return entry


def number_to_yaml(number: Number) -> dict:
    """One accepted number as answer and tolerance (a min/max range reads back as these)."""
    entry = {"answer": plain_number(number.value)}
    if number.tolerance:
        entry["tolerance"] = plain_number(number.tolerance)
    return entry


def numbers_to_yaml(numbers: list[Number]) -> dict:
    """`answer:` inline for one plain answer; `answers:` when there are several, or weights or feedback."""
    if len(numbers) == 1 and numbers[0].weight == 1.0 and is_empty(numbers[0].feedback):
        return number_to_yaml(numbers[0])
    answers = []
    for number in numbers:
        entry = number_to_yaml(number)
        # Numerical answers default to full credit, like typed ones.
        if number.weight != 1.0:
            entry["weight"] = percent(number.weight)
        if not is_empty(number.feedback):
            entry["feedback"] = text_to_yaml(number.feedback)
        answers.append(entry)
    return {"answers": answers}


def matching_fields(question) -> dict:
    """Pairs, and the distractors (pairs with an empty left side) after them, as the parser reads them."""
    pairs = [
        {"left": text_to_yaml(p.left), "right": text_to_yaml(p.right)}
        for p in question.pairs
        if not is_empty(p.left)
    ]
    fields = {"pairs": pairs}
    distractors = [text_to_yaml(p.right) for p in question.pairs if is_empty(p.left)]
    if distractors:
        fields["distractors"] = distractors
    return fields
