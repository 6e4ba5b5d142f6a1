"""Whose claim a keyword is: the trainee's own, or negated, quoted, reported or asked.

A keyword list says what a fact, a false statement or a rumour sounds like. Finding the words is not
enough: "有人说路已经修好了，实际上并没有" holds the words of the false claim "路已经修好" but
refutes it. `stance` decides, for one occurrence of a keyword, how the writer uses it; the rest of
the engine asks `claims_in` (what the text states) and `refutes` (what it argues against). The
rules are tabled in tests/exercises/test_matching.py, in Chinese and English.

The rules, in the order they are tried (see docs/exercises.md):
- negated: a negation (不、没有、并非、未、否认 …; not, no, never, n't …) within a few characters or
  words before the keyword in its clause, or a refutation after it (…的说法不实、…是谣言; "is false"),
  or a next clause that refutes it (“…”，这个说法不对);
- reported: after a reporting verb in its clause, or closing the clause before it (网传、有人说、
  所谓; "rumour says", "some claim");
- asked: the clause is a question (…吗？);
- quoted: inside quotation marks (“”‘’「」『』 "" '');
- own: none of these.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

OWN, NEGATED, REPORTED, ASKED, QUOTED = "own", "negated", "reported", "asked", "quoted"

# Where a clause ends. A comma or full stop between two digits belongs to a number (180,000; 3.5).
BOUNDARIES = set("。！？；，,;!?:：\n…")
STOPS = set(".")
QUESTION_MARKS = set("？?")

# Chinese negations, looked for in the few characters before a keyword.
NEGATIONS_ZH = (
    "并没有",
    "并非",
    "并未",
    "并不",
    "没有",
    "不是",
    "否认",
    "绝非",
    "从未",
    "不",
    "没",
    "未",
)
# Words that hold a negation character but negate nothing: 不断补货 is restocking, not its denial.
NOT_NEGATIONS_ZH = (
    "不断",
    "不少",
    "不仅",
    "不但",
    "不光",
    "不必",
    "不用",
    "不久",
    "不管",
    "不论",
    "不过",
    "不同",
    "不停",
    "不得不",
    "不错",
    "毫不",
    "未来",
    "不好意思",
    "来不及",
)
NEGATION_CHARS_ZH = 6
# Said after a claim, in its clause: the claim is being refuted.
REFUTED_AFTER_ZH = (
    "的说法",
    "的传言",
    "的谣言",
    "的传闻",
    "等说法",
    "等传言",
    "等谣言",
    "一说",
    "不实",
    "不属实",
    "是谣言",
    "系谣言",
    "纯属谣言",
    "是假的",
    "不是真的",
    "有误",
    "不准确",
    "不对",
    "没有根据",
    "毫无根据",
    "没有科学依据",
    "缺乏科学依据",
    "站不住",
)
# A next clause that starts by pointing back (这、此、该) and refutes.
POINTING_ZH = (
    "这",
    "此",
    "该",
    "那",
    "上述",
    "纯属",
    "系",
    "均为",
    "都是",
    "实际上并",
    "其实并",
    "事实上并",
)
REFUTING_ZH = (
    "不实",
    "谣言",
    "不对",
    "假",
    "不是真的",
    "有误",
    "不准确",
    "没有根据",
    "毫无根据",
    "不是事实",
    "并非事实",
    "不符",
    "并没有",
    "并非",
    "并未",
    "并不",
)
REPORTING_ZH = (
    "网传",
    "网上传",
    "网上说",
    "网上流传",
    "网络流传",
    "网络传言",
    "有人说",
    "有人称",
    "有人讲",
    "有网友说",
    "有网友称",
    "有网友问",
    "有传言",
    "传言",
    "谣传",
    "据传",
    "传闻",
    "听说",
    "所谓",
    "坊间",
    "有说法",
    "流传",
    "网友问",
    "谣言说",
    "谣言称",
)

NEGATIONS_EN = (
    "not",
    "no",
    "never",
    "cannot",
    "deny",
    "denies",
    "denied",
    "nor",
    "neither",
    "none",
)
NOT_NEGATIONS_EN = (("not", "only"), ("no", "doubt"), ("not", "just"))
NEGATION_WORDS_EN = 4
REFUTED_AFTER_EN = (
    "is false",
    "is untrue",
    "is not true",
    "isn't true",
    "is a rumour",
    "is a rumor",
    "is wrong",
    "is groundless",
    "are false",
    "are untrue",
    "are not true",
    "aren't true",
    "are rumours",
    "are wrong",
    "are groundless",
    "has no basis",
    "have no basis",
)
POINTING_EN = ("this", "that", "which", "it", "these", "those", "such")
REFUTING_EN = ("false", "untrue", "not true", "wrong", "rumour", "rumor", "groundless", "no basis")
REPORTING_EN = (
    "rumour says",
    "rumours say",
    "rumor says",
    "rumors say",
    "rumour has it",
    "rumor has it",
    "some claim",
    "some say",
    "some people say",
    "some people claim",
    "people say",
    "people claim",
    "it is said",
    "claims that",
    "claim that",
    "claimed that",
    "so-called",
    "reportedly",
    "allegedly",
    "posts say",
    "posts claim",
    "they say",
    "word is",
    "heard that",
    "online say",
    "online claim",
)

# Opening and closing quotation marks; the straight ones open and close alike.
QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", '"': '"', "'": "'"}
WORD = re.compile(r"[a-z0-9'’]+")
CHINESE = re.compile(r"[\u3400-\u9fff]")


def fold(text: str) -> str:
    """Compare texts without regard to case or full- and half-width forms."""
    return unicodedata.normalize("NFKC", text or "").casefold()


@dataclass(frozen=True)
class Hit:
    word: str  # the keyword as the scenario wrote it
    start: int  # where it was found in the folded text
    end: int
    stance: str


def _is_boundary(text: str, i: int) -> bool:
    c = text[i]
    if c in BOUNDARIES or c in STOPS:
        between_digits = 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()
        return not (c in ",.，" and between_digits)
    return False


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause holding text[start:end]: from after the boundary before it to the one after it."""
    left = start
    while left > 0 and not _is_boundary(text, left - 1):
        left -= 1
    right = end
    while right < len(text) and not _is_boundary(text, right):
        right += 1
    return left, right


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Where quotations are: (after the opening mark, at the closing mark). An apostrophe between
    letters (don't, it’s) opens nothing."""
    spans, i = [], 0
    while i < len(text):
        c = text[i]
        if c in QUOTES and not _apostrophe(text, i):
            close = QUOTES[c]
            j = i + 1
            while j < len(text) and not (text[j] == close and not _apostrophe(text, j)):
                j += 1
            if j < len(text):
                spans.append((i + 1, j))
                i = j + 1
                continue
        i += 1
    return spans


def _apostrophe(text: str, i: int) -> bool:
    if text[i] not in "'’":
        return False
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return before.isalnum() and after.isalnum()


def _chinese(word: str) -> bool:
    return bool(CHINESE.search(word))


def _covered(text: str, pos: int, length: int, exceptions, limit: int) -> bool:
    """Whether text[pos:pos+length] lies inside an exception word that ends by `limit`."""
    for word in exceptions:
        for offset in range(len(word) - length + 1):
            begin = pos - offset
            if begin >= 0 and text.startswith(word, begin) and begin + len(word) <= limit:
                if word[offset : offset + length] == text[pos : pos + length]:
                    return True
    return False


def _negated_zh(text: str, left: int, start: int) -> bool:
    window = max(left, start - NEGATION_CHARS_ZH)
    for cue in NEGATIONS_ZH:
        pos = text.find(cue, window, start)
        while pos != -1 and pos + len(cue) <= start:
            if not _covered(text, pos, len(cue), NOT_NEGATIONS_ZH, start):
                return True
            pos = text.find(cue, pos + 1, start)
    return False


def _words_before(text: str, left: int, start: int) -> list[str]:
    return WORD.findall(text[left:start])


def _negated_en(text: str, left: int, start: int) -> bool:
    words = _words_before(text, left, start)[-NEGATION_WORDS_EN:]
    following = _words_before(text, start, min(len(text), start + 40))[:1]
    for i, word in enumerate(words):
        after = words[i + 1] if i + 1 < len(words) else (following[0] if following else "")
        if (word, after) in NOT_NEGATIONS_EN:
            continue
        if word in NEGATIONS_EN or word.endswith(("n't", "n’t")):
            return True
    return False


def _refuted_after(text: str, end: int, right: int) -> bool:
    rest = text[end:right]
    if any(cue in rest for cue in REFUTED_AFTER_ZH):
        return True
    rest_words = " " + " ".join(WORD.findall(rest)) + " "
    return any(f" {cue} " in rest_words for cue in REFUTED_AFTER_EN)


def _refuted_next(text: str, right: int) -> bool:
    """Whether the clause after this one points back at it and refutes it (“…”，这个说法不对)."""
    if right >= len(text) or text[right] in QUESTION_MARKS:
        return False
    left, end = _clause(text, right + 1, right + 1)
    following = text[left:end].strip()
    if following.startswith(POINTING_ZH):
        return any(cue in following for cue in REFUTING_ZH)
    words = WORD.findall(following)
    if words and words[0] in POINTING_EN:
        joined = " ".join(words)
        return any(cue in joined for cue in REFUTING_EN)
    return False


def _reported(text: str, left: int, start: int) -> bool:
    before = text[left:start]
    if any(verb in before for verb in REPORTING_ZH):
        return True
    words = " " + " ".join(_words_before(text, left, start)) + " "
    if any(f" {verb} " in words for verb in REPORTING_EN):
        return True
    # "有人说：路已经修好了" — the reporting verb closes the clause before this one.
    if left >= 2 and _is_boundary(text, left - 1):
        prev_left, _ = _clause(text, left - 2, left - 1)
        previous = text[prev_left : left - 1].strip()
        if previous.endswith(REPORTING_ZH) or any(
            (" " + " ".join(WORD.findall(previous))).endswith(" " + verb) for verb in REPORTING_EN
        ):
            return True
    return False


def _asked(text: str, start: int, right: int) -> bool:
    if right < len(text) and text[right] in QUESTION_MARKS:
        return True
    return text[start:right].rstrip().endswith(("吗", "吗?", "呢"))


def stance(text: str, start: int, end: int) -> str:
    """How the writer uses the words at text[start:end] of a folded text: as their own claim, or
    negated, reported, asked or quoted. The one place these rules live."""
    left, right = _clause(text, start, end)
    if (
        _negated_zh(text, left, start)
        or _negated_en(text, left, start)
        or _refuted_after(text, end, right)
        or _refuted_next(text, right)
    ):
        return NEGATED
    if _reported(text, left, start):
        return REPORTED
    if _asked(text, start, right):
        return ASKED
    if any(open_ <= start and end <= close for open_, close in _quote_spans(text)):
        return QUOTED
    return OWN


def _occurrences(folded: str, word: str):
    target = fold(word)
    if not target:
        return
    pos = folded.find(target)
    while pos != -1:
        end = pos + len(target)
        # An English keyword starts a word ("37 cases" is not in "137 cases"); it may be a stem
        # ("restock" in "restocked").
        if _chinese(target) or pos == 0 or not (folded[pos - 1].isalnum() and target[0].isalnum()):
            yield pos, end
        pos = folded.find(target, pos + 1)


def hits(text: str, keywords: dict) -> list[Hit]:
    """Every occurrence in a text of the keywords (of either language), with its stance."""
    folded = fold(text)
    found = []
    for lang in ("zh", "en"):
        for word in keywords.get(lang, []) or []:
            for start, end in _occurrences(folded, word):
                found.append(Hit(word, start, end, stance(folded, start, end)))
    return found


# Words that, anywhere in a post, make a quoted or reported claim a refutation rather than a report.
REFUTING_ANYWHERE_ZH = REFUTING_ZH + ("不会", "没有", "不能", "不是", "辟谣")
REFUTING_ANYWHERE_EN = REFUTING_EN + ("not", "never", "no")


def spans(text: str, keywords: dict) -> list[tuple[int, int]]:
    """Where the keywords occur, however they are used."""
    return [(h.start, h.end) for h in hits(text, keywords)]


def claims_in(
    text: str, keywords: dict, counted: tuple = (OWN,), outside: list[tuple[int, int]] = ()
) -> list[str]:
    """The keywords the text states as its writer's claim: by default only in the writer's own
    voice. A fact passes `counted=(OWN, QUOTED, REPORTED)`: quoting a checked source
    (省物价局：“价格不变”) states it too; only a negation or a question does not. Words inside one
    of the `outside` spans belong to another claim ("落网" in "已全部落网") and are not counted."""
    seen: list[str] = []
    for hit in hits(text, keywords):
        inside = any(start <= hit.start and hit.end <= end for start, end in outside)
        if hit.stance in counted and not inside and hit.word not in seen:
            seen.append(hit.word)
    return seen


def refutes(text: str, keywords: dict) -> bool:
    """Whether the text argues against the claim these keywords make: it negates it, or quotes or
    reports it in a post that says it is wrong. Asking whether it is true refutes nothing."""
    found = hits(text, keywords)
    if any(h.stance == NEGATED for h in found):
        return True
    if not any(h.stance in (QUOTED, REPORTED) for h in found):
        return False
    # The claim's own words do not refute it: "没有" in “没有花政府的钱” is part of the claim.
    folded = list(fold(text))
    for hit in found:
        folded[hit.start : hit.end] = " " * (hit.end - hit.start)
    rest = "".join(folded)
    words = " " + " ".join(WORD.findall(rest)) + " "
    return any(cue in rest for cue in REFUTING_ANYWHERE_ZH) or any(
        f" {cue} " in words for cue in REFUTING_ANYWHERE_EN
    )
