"""The classroom (课堂): class sessions with a join code and QR on the projector, check-in that
credits in-person 学时, random roll call, the pace signal, and quizzes locked to the room."""

from courseware import signals
from courseware.classroom import quizlock


def init_app(app) -> None:
    """Answer the quizzes' question whether a room-locked quiz may be taken now."""
    signals.quiz_room_check.connect(quizlock.quiz_room_check)
