"""Numbers as learners type them: "689", "689个", "６８９", "6.89e2", "1,000", "六百八十九", "两万".

Pure functions, no Flask. `read_number` gives the number, or says why the text is not one, so the
attempt page can flag it before hand-in instead of the grader silently marking it wrong.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

# Grouped thousands: "1,000", "12,345,678.5" (a full-width comma is folded to "," first).
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
# A decimal comma, as much of Europe writes it: "689,4". Not three digits after it: those are
# thousands ("1,000" is a thousand, never one).
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,(?:\d{1,2}|\d{4,})")
_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?")
# Arabic digits with a Chinese multiplier: "3万", "1.5亿".
_WITH_MULTIPLIER = re.compile(r"([+-]?(?:\d+(?:\.\d*)?|\.\d+))([十百千万亿])")

DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = (("亿", 10**8), ("億", 10**8), ("万", 10**4), ("萬", 10**4))
MULTIPLIERS = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8}
ZEROS = ("零", "〇")
MINUS = ("负", "-")
_CHINESE = set(DIGITS) | set(SMALL_UNITS) | {unit for unit, _ in BIG_UNITS}


@dataclass(frozen=True)
class Reading:
    """What a typed answer says: the number, or None with the reason (`problem`)."""

    value: float | None
    problem: str | None = None  # "not_a_number" | "unit"
    unit: str = ""


def fold(typed: str) -> str:
    """Full-width digits, commas and stops to ASCII (NFKC), without surrounding space."""
    return unicodedata.normalize("NFKC", str(typed)).strip()


def read_number(typed: str, units=()) -> Reading:
    """Read a typed number, with one of `units` after it if the question allows units."""
    text = fold(typed)
    number = parse_number(text)
    if number is not None:
        return Reading(number)
    for unit in sorted((fold(u) for u in units if fold(u)), key=len, reverse=True):
        if text.casefold().endswith(unit.casefold()):
            number = parse_number(text[: -len(unit)])
            if number is not None:
                return Reading(number, unit=unit)
    # A number followed by something else: say it is the unit, which is the learner's fix.
    head = re.match(r"^[-+\d.,\s零〇一二两三四五六七八九十百千万亿点负]+", text)
    if head and head.group(0).strip() and parse_number(head.group(0)) is not None:
        return Reading(None, "unit", text[head.end() :].strip())
    return Reading(None, "not_a_number")


def parse_number(typed: str) -> float | None:
    """A number in Arabic digits (thousands separators, a decimal comma, an exponent) or in Chinese
    numerals; None when the text is something else. Spaces inside the number are ignored."""
    text = fold(typed).replace(" ", "").replace("\u3000", "").casefold()
    if not text:
        return None
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    elif _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")
    if _PLAIN.fullmatch(text):
        return _finite(float(text))
    match = _WITH_MULTIPLIER.fullmatch(text)
    if match:
        return _finite(float(match.group(1)) * MULTIPLIERS[match.group(2)])
    return chinese_number(text)


def _finite(number: float) -> float | None:
    return number if math.isfinite(number) else None


def chinese_number(text: str) -> float | None:
    """六百八十九, 一千零二十, 两万, 十五, 负三点五, 一亿二千万, 二〇二六 (digit by digit)."""
    sign = 1
    if text.startswith(MINUS):
        sign, text = -1, text[1:]
    whole, point, fraction = text.partition("点")
    if point and (not fraction or any(char not in DIGITS for char in fraction)):
        return None
    value = _chinese_whole(whole) if whole else (0 if point else None)
    if value is None:
        return None
    if fraction:
        decimals = "".join(str(DIGITS[char]) for char in fraction)
        return sign * float(f"{value}.{decimals}")
    return float(sign * value)


def _chinese_whole(text: str) -> int | None:
    if not text or any(char not in _CHINESE for char in text):
        return None
    if all(char in DIGITS for char in text):
        # Read digit by digit, as a year or a code is said: 二〇二六. A lone 两 is a quantity too.
        return int("".join(str(DIGITS[char]) for char in text))
    for unit, size in BIG_UNITS:
        high, found, low = text.partition(unit)
        if found:
            upper = _chinese_whole(high) if high else None
            if upper is None:
                return None
            if not low:
                return upper * size
            # "一万五" is 15,000: a lone digit right after the unit counts in the next unit down.
            if len(low) == 1 and low in DIGITS:
                return upper * size + DIGITS[low] * size // 10
            lower = _chinese_whole(low.lstrip("".join(ZEROS)))
            return None if lower is None or lower >= size else upper * size + lower
    return _chinese_section(text)


def _chinese_section(text: str) -> int | None:
    """A number below ten thousand written with 千, 百 and 十: 六百八十九, 一千零二十, 十五, 三百五."""
    total, digit, last_unit, zero_seen = 0, None, 10_000, False
    for char in text:
        if char in ZEROS:
            if digit is not None:
                return None
            zero_seen = True
        elif char in DIGITS:
            if digit is not None:
                return None
            digit = DIGITS[char]
        else:
            unit = SMALL_UNITS[char]
            if unit >= last_unit:
                return None
            if digit is None and (total or zero_seen) and unit != 10:
                return None
            total += (1 if digit is None else digit) * unit
            digit, last_unit, zero_seen = None, unit, False
    if digit is not None:
        # "三百五" is 350; "三百零五" is 305.
        total += digit if zero_seen or last_unit == 10 else digit * last_unit // 10
    return total
