"""工号 and 身份证号: the keys a unit's own sheets name their cadres by (User.employee_no,
User.id_number). Plain functions, shared by the user form and the roster import."""

import re
import unicodedata

from flask_babel import lazy_gettext as _l

EMPLOYEE_NO_MAX = 32
EMPLOYEE_NO_PATTERN = re.compile(r"^[0-9A-Za-z._-]+$")
ID_NUMBER_PATTERN = re.compile(r"^[0-9]{17}[0-9X]$")
# GB 11643-1999: the 18th character is the check of the first 17 by these weights, modulo 11.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECKS = "10X98765432"


def normalise_employee_no(raw: str | None) -> str:
    """Full-width digits and letters typed on a Chinese keyboard are folded; spaces dropped."""
    return unicodedata.normalize("NFKC", raw or "").strip()


def employee_no_problem(value: str):
    if len(value) > EMPLOYEE_NO_MAX:
        return _l("A 工号 has at most %(max)d characters.", max=EMPLOYEE_NO_MAX)
    if not EMPLOYEE_NO_PATTERN.match(value):
        return _l("A 工号 is letters, digits and . _ - only, without spaces.")
    return None


def normalise_id_number(raw: str | None) -> str:
    text = unicodedata.normalize("NFKC", raw or "")
    return re.sub(r"\s+", "", text).upper()


def id_check_digit(first17: str) -> str:
    return ID_CHECKS[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_number_problem(value: str):
    """Why the text is not an 18-character 身份证号 (GB 11643), or None."""
    if len(value) != 18:
        return _l(
            "An ID number (身份证号) has 18 characters; this one has %(length)d.",
            length=len(value),
        )
    if not ID_NUMBER_PATTERN.match(value):
        return _l("An ID number (身份证号) is 17 digits and a digit or X.")
    if id_check_digit(value[:17]) != value[17]:
        return _l(
            "The ID number's (身份证号) last character should be %(check)s: check the number.",
            check=id_check_digit(value[:17]),
        )
    return None


def masked_id_number(value: str | None) -> str:
    """Only the last four characters are shown on pages, in previews and in the audit log."""
    if not value:
        return ""
    return "*" * (len(value) - 4) + value[-4:]
