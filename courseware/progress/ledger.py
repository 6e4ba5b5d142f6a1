"""The 学时 (credit hour) ledger and quotas. Entries are only ever added: a correction is a reversal
with a reason, so the ledger always shows what happened and who did it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from courseware.accounts.audit import record
from courseware.accounts.models import RankLevel, Role, User
from courseware.db import db
from courseware.progress.models import CourseCompletion, CreditEntry, QuotaRule

# The cadre education rules: township level and below at least 90 学时 a year; county level and
# above at least 550 学时 in five years. Administrators may change them.
DEFAULT_QUOTAS = {RankLevel.TOWNSHIP.value: (90.0, 1), RankLevel.COUNTY.value: (550.0, 5)}
MAX_ENTRY_HOURS = 1000


class LedgerError(ValueError):
    """A ledger entry that cannot be made; the message says why."""


def on_course_completed(completion: CourseCompletion, course, **extra) -> None:
    """Credit the course's 学时 when a learner completes it."""
    credit_course(completion, course)


def credit_course(completion: CourseCompletion, course) -> CreditEntry:
    entry = CreditEntry(
        user_id=completion.user_id,
        hours=float(course.credit_hours),
        earned_on=completion.completed_at.date(),
        kind="course",
        completion_id=completion.id,
        course_id=course.id,
        note=(course.title or {}).get("zh", course.slug),
    )
    db.session.add(entry)
    db.session.flush()
    record(
        "credit.course",
        f"user:{completion.user_id}",
        {"entry": entry.id, "course": course.slug, "hours": entry.hours},
    )
    return entry


def add_external(
    user: User, hours: float, earned_on: dt.date, note: str, entered_by: User, today: dt.date
) -> CreditEntry:
    """Credit for training done elsewhere, entered by an administrator."""
    if not 0 < hours <= MAX_ENTRY_HOURS:
        raise LedgerError("hours")
    if earned_on > today:
        raise LedgerError("future")
    if not note.strip():
        raise LedgerError("note")
    entry = CreditEntry(
        user_id=user.id,
        hours=round(hours, 2),
        earned_on=earned_on,
        kind="external",
        note=note.strip()[:500],
        entered_by_id=entered_by.id,
    )
    db.session.add(entry)
    db.session.flush()
    record(
        "credit.external",
        f"user:{user.username}",
        {"entry": entry.id, "hours": entry.hours, "on": earned_on.isoformat(), "note": entry.note},
    )
    return entry


def add_in_person(
    user_id: int, hours: float, earned_on: dt.date, note: str, source: str, entered_by: User | None
) -> CreditEntry:
    """Credit in-person training (脱产培训) attended in a class session; `source` names the session."""
    if not 0 < hours <= MAX_ENTRY_HOURS:
        raise LedgerError("hours")
    entry = CreditEntry(
        user_id=user_id,
        hours=round(hours, 2),
        earned_on=earned_on,
        kind="in_person",
        note=note.strip()[:500],
        source=source,
        entered_by_id=entered_by.id if entered_by else None,
    )
    db.session.add(entry)
    db.session.flush()
    record(
        "credit.in_person",
        f"user:{user_id}",
        {"entry": entry.id, "hours": entry.hours, "on": earned_on.isoformat(), "source": source},
    )
    return entry


def in_person_on(user_id: int, day: dt.date) -> float:
    """The in-person 学时 a learner holds for one day, reversals deducted (for the daily cap)."""
    value = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(CreditEntry.hours), 0)).where(
            CreditEntry.user_id == user_id,
            CreditEntry.earned_on == day,
            CreditEntry.kind.in_(("in_person", "reversal")),
            CreditEntry.source.is_not(None),
        )
    )
    return round(float(value or 0), 2)


def reverse(entry: CreditEntry, reason: str, entered_by: User, today: dt.date) -> CreditEntry:
    """Cancel an entry by adding its opposite; an entry is reversed at most once."""
    if entry.kind == "reversal":
        raise LedgerError("reversal")
    if (
        db.session.scalar(sa.select(CreditEntry.id).where(CreditEntry.reverses_id == entry.id))
        is not None
    ):
        raise LedgerError("reversed")
    if not reason.strip():
        raise LedgerError("note")
    reversal = CreditEntry(
        user_id=entry.user_id,
        hours=-entry.hours,
        earned_on=entry.earned_on,
        kind="reversal",
        course_id=entry.course_id,
        note=reason.strip()[:500],
        reverses_id=entry.id,
        source=entry.source,
        entered_by_id=entered_by.id,
    )
    db.session.add(reversal)
    db.session.flush()
    record(
        "credit.reverse",
        f"user:{entry.user_id}",
        {"entry": entry.id, "reversal": reversal.id, "hours": entry.hours, "reason": reversal.note},
    )
    return reversal


def entries_of(user_id: int) -> list[CreditEntry]:
    return list(
        db.session.scalars(
            sa.select(CreditEntry)
            .where(CreditEntry.user_id == user_id)
            .order_by(CreditEntry.earned_on.desc(), CreditEntry.id.desc())
        )
    )


def quotas() -> dict[str, tuple[float, int]]:
    stored = {q.rank_level: (q.hours, q.years) for q in db.session.scalars(sa.select(QuotaRule))}
    return {level: stored.get(level, default) for level, default in DEFAULT_QUOTAS.items()}


def set_quota(level: str, hours: float, years: int) -> None:
    rule = db.session.get(QuotaRule, level)
    if rule is None:
        rule = QuotaRule(rank_level=level, hours=hours, years=years)
        db.session.add(rule)
    before = (rule.hours, rule.years)
    rule.hours, rule.years = hours, years
    record("quota.update", f"rank:{level}", {"before": list(before), "after": [hours, years]})


@dataclass
class QuotaStanding:
    level: str | None
    year_total: float
    period_total: float
    required: float | None
    years: int
    period_start: dt.date
    # Of year_total, the 学时 of in-person training (classes attended in a room).
    in_person_year: float = 0.0

    @property
    def behind(self) -> bool:
        return self.required is not None and self.period_total < self.required


def period_start(today: dt.date, years: int) -> dt.date:
    """A quota period is the current calendar year and the years before it: five years from 2022 in 2026."""
    return dt.date(today.year - max(years, 1) + 1, 1, 1)


def total_between(user_id: int, start: dt.date, end: dt.date) -> float:
    value = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(CreditEntry.hours), 0)).where(
            CreditEntry.user_id == user_id,
            CreditEntry.earned_on >= start,
            CreditEntry.earned_on <= end,
        )
    )
    return round(float(value or 0), 2)


def in_person_between(user_id: int, start: dt.date, end: dt.date) -> float:
    """The in-person 学时 earned between two dates: entries with a source, and their reversals."""
    value = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(CreditEntry.hours), 0)).where(
            CreditEntry.user_id == user_id,
            CreditEntry.earned_on >= start,
            CreditEntry.earned_on <= end,
            CreditEntry.kind.in_(("in_person", "reversal")),
            CreditEntry.source.is_not(None),
        )
    )
    return round(float(value or 0), 2)


def quota_standing(user: User, today: dt.date, entries=None) -> QuotaStanding:
    """Where a user stands against their rank's quota; `entries` are all of the user's ledger
    entries (entries_of) when the caller has read them, else the totals are summed by the
    database."""
    rules = quotas()
    level = user.rank_level if user.rank_level in rules else None
    required, years = rules[level] if level else (None, 1)
    start = period_start(today, years)
    year_start = dt.date(today.year, 1, 1)

    def total(since: dt.date) -> float:
        if entries is None:
            return total_between(user.id, since, today)
        return round(float(sum(e.hours for e in entries if since <= e.earned_on <= today)), 2)

    if entries is None:
        in_person = in_person_between(user.id, year_start, today)
    else:
        in_person = round(
            float(
                sum(
                    e.hours
                    for e in entries
                    if year_start <= e.earned_on <= today
                    and e.kind in ("in_person", "reversal")
                    and e.source is not None
                )
            ),
            2,
        )
    return QuotaStanding(level, total(year_start), total(start), required, years, start, in_person)


def behind(today: dt.date, unit_ids: set[int] | None = None) -> list[tuple[User, QuotaStanding]]:
    """Active learners with a rank band whose 学时 for the current period fall short of the quota."""
    query = sa.select(User).where(
        User.active.is_(True), User.rank_level.is_not(None), User.role == Role.LEARNER.value
    )
    if unit_ids is not None:
        query = query.where(User.unit_id.in_(unit_ids))
    rules = quotas()
    starts = {level: period_start(today, years) for level, (_, years) in rules.items()}
    totals = {}
    for level, start in starts.items():
        rows = db.session.execute(
            sa.select(CreditEntry.user_id, sa.func.sum(CreditEntry.hours))
            .join(User, User.id == CreditEntry.user_id)
            .where(
                User.rank_level == level,
                CreditEntry.earned_on >= start,
                CreditEntry.earned_on <= today,
            )
            .group_by(CreditEntry.user_id)
        )
        totals.update({user_id: float(total or 0) for user_id, total in rows})
    result = []
    for user in db.session.scalars(query.order_by(User.username)):
        hours, years = rules[user.rank_level]
        period_total = round(totals.get(user.id, 0.0), 2)
        if period_total < hours:
            result.append(
                (
                    user,
                    QuotaStanding(
                        user.rank_level, 0.0, period_total, hours, years, starts[user.rank_level]
                    ),
                )
            )
    return result
