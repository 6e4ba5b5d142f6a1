"""Quizzes locked to the room: available only during a class session of the quiz's class, and
optionally only from listed networks (as Moodle's "requires network address")."""

from __future__ import annotations

import datetime as dt
import ipaddress

from flask import has_request_context
from flask_babel import lazy_gettext as _l

from courseware import signals
from courseware.netutil import client_ip
from courseware.quizzes.models import Quiz


def address_allowed(address: str, networks: list[str]) -> bool:
    """The address is in one of the networks; an unreadable address is in none."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for network in networks:
        try:
            if ip in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


def room_refusal(quiz: Quiz, user_id: int, now: dt.datetime):
    """Why the learner may not take this quiz here and now, or None."""
    networks = quiz.settings.get("networks") or []
    if networks and has_request_context():
        address = client_ip()
        if not address_allowed(address, networks):
            return _l(
                "This quiz can only be taken from the classroom's network; your address "
                "(%(address)s) is not on it. Connect to the classroom's Wi-Fi and try again.",
                address=address or "?",
            )
    if quiz.settings.get("classroom_only"):
        answers = signals.quiz_room_check.send(quiz, user_id=user_id, now=now)
        if not answers:
            return _l("This quiz can only be taken during a class session of your class.")
        for _receiver, reason in answers:
            if reason:
                return reason
    return None
