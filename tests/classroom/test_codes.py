"""The rotating check-in code: derived from the session's secret and the 15-second window."""

import datetime as dt

from courseware.classroom import codes

SECRET = "a" * 64
T0 = dt.datetime(2026, 12, 1, 1, 0, 0)


def test_the_code_changes_every_window_and_is_the_same_everywhere():
    first = codes.current_code(SECRET, T0)
    assert len(first) == 6 and first.isdigit()
    assert codes.current_code(SECRET, T0 + dt.timedelta(seconds=14)) == first
    assert codes.current_code(SECRET, T0 + dt.timedelta(seconds=15)) != first
    assert codes.current_code("b" * 64, T0) != first


def test_the_current_and_previous_codes_pass_an_older_one_has_expired():
    code = codes.current_code(SECRET, T0)
    assert codes.check(SECRET, code, T0) == codes.VALID
    assert codes.check(SECRET, code, T0 + dt.timedelta(seconds=15)) == codes.VALID
    assert codes.check(SECRET, code, T0 + dt.timedelta(seconds=30)) == codes.EXPIRED
    assert codes.check(SECRET, code, T0 + dt.timedelta(minutes=5)) == codes.EXPIRED
    assert codes.check(SECRET, code, T0 + dt.timedelta(hours=1)) == codes.WRONG
    wrong = str((int(code) + 1) % 10**6).zfill(6)
    assert codes.check(SECRET, wrong, T0) == codes.WRONG


def test_a_code_typed_with_spaces_or_full_width_digits_passes():
    code = codes.current_code(SECRET, T0)
    typed = (
        " "
        + code[:3]
        + " "
        + code[3:].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    )
    assert codes.check(SECRET, typed, T0) == codes.VALID


def test_seconds_left_counts_down_to_the_next_window():
    assert codes.seconds_left(T0) == 15
    assert codes.seconds_left(T0 + dt.timedelta(seconds=14, milliseconds=500)) == 1
