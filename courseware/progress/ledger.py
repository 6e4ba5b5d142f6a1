"""The 学时 (credit hour) ledger and quotas. Entries are only ever added: a correction is a reversal
with a reason, so the ledger always shows what happened and who did it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from courseware.accounts.audit import record
from courseware.accounts.models import cohort_member, RankLevel, Role, User
from courseware.db import built_once, db, read_rows
from courseware.progress.credit_rules import CourseCreditRule
from courseware.progress.models import CourseAssignment, CourseCompletion, CreditEntry, QuotaRule

# The cadre education rules: township level and below at least 90 学时 a year; county level and
# above at least 550 学时 in five years. Administrators may change them.
DEFAULT_QUOTAS = {RankLevel.TOWNSHIP.value: (90.0, 1), RankLevel.COUNTY.value: (550.0, 5)}
MAX_ENTRY_HOURS = 1000
# Training done outside the platform, as organisation departments count it: 脱产培训 (full-time
# training away from work), 专题班 (a topic class), 中心组学习 (a party group's study session),
# 授课 (teaching given) and anything else.
TRAINING_KINDS = ("full_time", "topic_class", "group_study", "teaching", "other")


class LedgerError(ValueError):
    """A ledger entry that cannot be made; the message says why."""


def on_course_completed(completion: CourseCompletion, course, **extra) -> None:
    """Credit the course's 学时 when a learner completes it."""
    credit_course(completion, course)


def course_credit(course, rule: dict | None = None) -> float:
    """The 学时 a completion of the course earns: as set by hand, or from its lessons' minutes by
    the COURSE_CREDIT rule (with the bonus when the completion `rule` asks for a passed quiz)."""
    if not course.credit_from_minutes:
        return float(course.credit_hours)
    return minutes_credit(course, rule)


def minutes_credit(course, rule: dict | None = None) -> float:
    """The 学时 the course's published lessons' minutes come to by the COURSE_CREDIT rule, whether
    or not the course is credited that way (the settings form shows it next to the switch)."""
    from courseware.lessons.models import Lesson, LessonRevision

    minutes = db.session.scalars(
        sa.select(LessonRevision.minutes)
        .join(Lesson, Lesson.published_revision_id == LessonRevision.id)
        .where(Lesson.course_id == course.id, Lesson.archived_at.is_(None))
    ).all()
    completion_rule = course.completion if rule is None else rule
    passed = bool((completion_rule or {}).get("quizzes"))
    return CourseCreditRule.from_config(current_app.config.get("COURSE_CREDIT")).course_hours(
        list(minutes), passed
    )


def credit_course(completion: CourseCompletion, course) -> CreditEntry:
    entry = CreditEntry(
        user_id=completion.user_id,
        hours=course_credit(course, completion.rule),
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
    user: User,
    hours: float,
    earned_on: dt.date,
    note: str,
    entered_by: User,
    today: dt.date,
    *,
    training_kind: str = "other",
    ends_on: dt.date | None = None,
    organiser: str = "",
    evidence: str = "",
    import_key: str | None = None,
) -> CreditEntry:
    """Credit for training done elsewhere, entered by an administrator: its kind, the days it ran
    (earned_on to ends_on), who organised it and the evidence seen. Refusals name the field."""
    if training_kind not in TRAINING_KINDS:
        raise LedgerError("kind")
    if not 0 < hours <= MAX_ENTRY_HOURS:
        raise LedgerError("hours")
    if earned_on > today:
        raise LedgerError("future")
    if ends_on is not None and ends_on < earned_on:
        raise LedgerError("ends")
    if ends_on is not None and ends_on > today:
        raise LedgerError("ends_future")
    if not note.strip():
        raise LedgerError("note")
    entry = CreditEntry(
        user_id=user.id,
        hours=round(hours, 2),
        earned_on=earned_on,
        kind="external",
        note=note.strip()[:500],
        entered_by_id=entered_by.id,
        training_kind=training_kind,
        ends_on=ends_on if ends_on and ends_on != earned_on else None,
        organiser=organiser.strip()[:200] or None,
        evidence=evidence.strip()[:500] or None,
        import_key=import_key,
    )
    db.session.add(entry)
    db.session.flush()
    record(
        "credit.external",
        f"user:{user.username}",
        {
            "entry": entry.id,
            "hours": entry.hours,
            "on": earned_on.isoformat(),
            "to": entry.ends_on.isoformat() if entry.ends_on else None,
            "kind": training_kind,
            "organiser": entry.organiser,
            "evidence": entry.evidence,
            "note": entry.note,
        },
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


@built_once
def _entries_of_user():
    # With each entry whether it counts as a required course's (required_totals), so that a
    # standing summed from the entries needs no query of its own.
    required = _required_course_clause(CreditEntry.user_id).label("required")
    return (
        sa.select(*CreditEntry.__table__.c, required)
        .where(CreditEntry.user_id == sa.bindparam("user_id"))
        .order_by(CreditEntry.earned_on.desc(), CreditEntry.id.desc())
    )


def entries_of(user_id: int) -> list[sa.Row]:
    """A user's ledger entries, newest first, as rows with the entry's columns and `required`
    (whether the entry counts as a required course's): the pages only show them, and building an
    object for each cost more than reading it."""
    return read_rows(_entries_of_user(), {"user_id": user_id})


@built_once
def _quota_rules():
    return sa.select(*QuotaRule.__table__.c)


def quota_rules() -> list[sa.Row]:
    """The stored quota rules (their columns), for a caller that needs both quotas() and
    required_minimums()."""
    return read_rows(_quota_rules(), {})


def quotas(rules: list[sa.Row] | None = None) -> dict[str, tuple[float, int]]:
    """Per rank level, the 学时 due and the years they are due over; `rules` are quota_rules()
    when the caller has read them."""
    if rules is None:
        rules = quota_rules()
    stored = {q.rank_level: (q.hours, q.years) for q in rules}
    return {level: stored.get(level, default) for level, default in DEFAULT_QUOTAS.items()}


def required_minimums(rules: list[sa.Row] | None = None) -> dict[str, float]:
    """Per rank level, the 学时 of the quota that must come from required (必修) courses."""
    if rules is None:
        rules = quota_rules()
    stored = {q.rank_level: q.min_required or 0.0 for q in rules}
    return {level: float(stored.get(level, 0.0)) for level in DEFAULT_QUOTAS}


def set_quota(level: str, hours: float, years: int, min_required: float | None = None) -> None:
    rule = db.session.get(QuotaRule, level)
    if rule is None:
        rule = QuotaRule(rank_level=level, hours=hours, years=years, min_required=0.0)
        db.session.add(rule)
    if min_required is not None and min_required > hours:
        raise LedgerError("min_required")
    before = [rule.hours, rule.years, rule.min_required or 0.0]
    rule.hours, rule.years = hours, years
    if min_required is not None:
        rule.min_required = min_required
    record(
        "quota.update",
        f"rank:{level}",
        {"before": before, "after": [hours, years, rule.min_required]},
    )


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
    # Of period_total, the 学时 of courses a class of the learner's marks required (必修), and
    # the minimum the quota asks of them (0: none).
    required_total: float = 0.0
    min_required: float = 0.0
    # 学时 above the quota in the period before, counted here when CREDIT_CARRY_OVER is on.
    carried: float = 0.0

    @property
    def counted(self) -> float:
        return round(self.period_total + self.carried, 2)

    @property
    def elective_total(self) -> float:
        return round(self.period_total - self.required_total, 2)

    @property
    def missing(self) -> float:
        if self.required is None:
            return 0.0
        return round(max(0.0, self.required - self.counted), 2)

    @property
    def missing_required(self) -> float:
        return round(max(0.0, self.min_required - self.required_total), 2)

    @property
    def behind(self) -> bool:
        return self.required is not None and (self.missing > 0 or self.missing_required > 0)


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


# The entries that count towards the required (必修) 学时: courses completed, and their reversals.
REQUIRED_KINDS = ("course", "reversal")


def _required_course_clause(user_id_column):
    """Entries of a course that some class of the learner's assigns as required (必修)."""
    return sa.exists(
        sa.select(CourseAssignment.id)
        .join(cohort_member, cohort_member.c.cohort_id == CourseAssignment.cohort_id)
        .where(
            cohort_member.c.user_id == user_id_column,
            CourseAssignment.course_id == CreditEntry.course_id,
            CourseAssignment.requirement == "required",
        )
    )


def required_totals(start: dt.date, end: dt.date, user_ids=None) -> dict[int, float]:
    """Per learner, the 学时 of required courses earned between two dates, reversals deducted."""
    values = {"start": start, "end": end}
    if user_ids is None:
        query = _required_totals()
    else:
        query = _required_totals_of_users()
        values["user_ids"] = list(user_ids)
    return {
        user_id: round(float(total or 0), 2) for user_id, total in db.session.execute(query, values)
    }


@built_once
def _required_totals():
    return (
        sa.select(CreditEntry.user_id, sa.func.sum(CreditEntry.hours))
        .where(
            CreditEntry.course_id.is_not(None),
            CreditEntry.kind.in_(REQUIRED_KINDS),
            CreditEntry.earned_on >= sa.bindparam("start"),
            CreditEntry.earned_on <= sa.bindparam("end"),
            _required_course_clause(CreditEntry.user_id),
        )
        .group_by(CreditEntry.user_id)
    )


@built_once
def _required_totals_of_users():
    return _required_totals().where(
        CreditEntry.user_id.in_(sa.bindparam("user_ids", expanding=True))
    )


def carried_over(period_total_before: float, required: float) -> float:
    """The surplus of the period before that counts toward this one (nothing when the setting
    is off)."""
    if not current_app.config.get("CREDIT_CARRY_OVER"):
        return 0.0
    return round(max(0.0, period_total_before - required), 2)


def previous_period(start: dt.date, years: int) -> tuple[dt.date, dt.date]:
    return dt.date(start.year - max(years, 1), 1, 1), start - dt.timedelta(days=1)


def quota_standing(user: User, today: dt.date, entries=None) -> QuotaStanding:
    """Where a user stands against their rank's quota; `entries` are all of the user's ledger
    entries (entries_of) when the caller has read them, else the totals are summed by the
    database."""
    stored = quota_rules()
    rules = quotas(stored)
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
    if entries is None:
        required_done = required_totals(start, today, [user.id]).get(user.id, 0.0)
    else:
        # The entries required_totals() sums, from the rows in hand.
        required_done = round(
            float(
                sum(
                    e.hours
                    for e in entries
                    if e.required
                    and e.course_id is not None
                    and e.kind in REQUIRED_KINDS
                    and start <= e.earned_on <= today
                )
            ),
            2,
        )
    carried = 0.0
    if required is not None and current_app.config.get("CREDIT_CARRY_OVER"):
        carried = carried_over(total_between(user.id, *previous_period(start, years)), required)
    return QuotaStanding(
        level,
        total(year_start),
        total(start),
        required,
        years,
        start,
        in_person,
        required_done,
        required_minimums(stored)[level] if level else 0.0,
        carried,
    )


def behind(today: dt.date, unit_ids: set[int] | None = None) -> list[tuple[User, QuotaStanding]]:
    """Active learners with a rank band whose 学时 for the current period fall short of the quota
    (after any carry-over), or whose required 学时 fall short of the required minimum."""
    query = sa.select(User).where(
        User.active.is_(True), User.rank_level.is_not(None), User.role == Role.LEARNER.value
    )
    if unit_ids is not None:
        query = query.where(User.unit_id.in_(unit_ids))
    rules = quotas()
    minimums = required_minimums()
    carry = bool(current_app.config.get("CREDIT_CARRY_OVER"))
    starts = {level: period_start(today, years) for level, (_, years) in rules.items()}
    totals, before, required_of = {}, {}, {}
    for level, start in starts.items():
        totals.update(_totals_by_user(level, start, today))
        if carry:
            before.update(_totals_by_user(level, *previous_period(start, rules[level][1])))
        if minimums[level]:
            required_of.update(required_totals(start, today))
    result = []
    for user in db.session.scalars(query.order_by(User.username)):
        hours, years = rules[user.rank_level]
        standing = QuotaStanding(
            user.rank_level,
            0.0,
            round(totals.get(user.id, 0.0), 2),
            hours,
            years,
            starts[user.rank_level],
            required_total=required_of.get(user.id, 0.0),
            min_required=minimums[user.rank_level],
            carried=carried_over(before.get(user.id, 0.0), hours) if carry else 0.0,
        )
        if standing.behind:
            result.append((user, standing))
    return result


def _totals_by_user(level: str, start: dt.date, end: dt.date) -> dict[int, float]:
    rows = db.session.execute(
        sa.select(CreditEntry.user_id, sa.func.sum(CreditEntry.hours))
        .join(User, User.id == CreditEntry.user_id)
        .where(
            User.rank_level == level,
            CreditEntry.earned_on >= start,
            CreditEntry.earned_on <= end,
        )
        .group_by(CreditEntry.user_id)
    )
    return {user_id: float(total or 0) for user_id, total in rows}
