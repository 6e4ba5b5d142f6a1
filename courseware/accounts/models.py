"""Accounts: units, users, their sign-in sessions, classes (班次) and the audit log."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from courseware.db import built_once, db, status_type
from courseware.jobs import JobProgress, JobStatus
from courseware.roles import Role as Role  # defined with access; kept importable from here
from courseware.timeutil import utcnow


class RankLevel(str, enum.Enum):
    """职级 band that decides the yearly credit-hour (学时) quota."""

    TOWNSHIP = "township"  # 乡科级及以下: at least 90 学时 a year
    COUNTY = "county"  # 县处级及以上: at least 550 学时 in five years


class Unit(db.Model):
    """A unit (单位) in the organisation tree: province → department → office."""

    __tablename__ = "unit"
    __table_args__ = (sa.UniqueConstraint("parent_id", "name", name="uq_unit_parent_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(128))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.name")

    def path(self) -> str:
        """Return the unit's full name from the root, joined by " / "."""
        names, unit = [], self
        while unit is not None:
            names.append(unit.name)
            unit = unit.parent
        return " / ".join(reversed(names))


def unit_subtree_ids(unit_id: int, name: str = "unit_subtree") -> sa.Select:
    """A select of a unit's id and the ids of every unit under it, by a recursive CTE.

    Written once for SQLite and PostgreSQL alike; give another `name` to use two in one query."""
    tree = sa.select(Unit.id).where(Unit.id == unit_id).cte(name, recursive=True)
    tree = tree.union_all(sa.select(Unit.id).join(tree, Unit.parent_id == tree.c.id))
    return sa.select(tree.c.id)


def _ancestors(start) -> sa.Select:
    """The units `start` picks and all their ancestors (id, parent id, name), in one recursive
    query."""
    up = (
        sa.select(Unit.id, Unit.parent_id, Unit.name)
        .where(start)
        .cte("unit_ancestors", recursive=True)
    )
    up = up.union_all(
        sa.select(Unit.id, Unit.parent_id, Unit.name).join(up, Unit.id == up.c.parent_id)
    )
    return sa.select(up.c.id, up.c.parent_id, up.c.name).distinct()


@built_once
def _units_and_ancestors() -> sa.Select:
    return _ancestors(Unit.id.in_(sa.bindparam("unit_ids", expanding=True)))


@built_once
def _unit_and_ancestors() -> sa.Select:
    # One unit's without a list of values, which would be rendered again on every execution.
    return _ancestors(Unit.id == sa.bindparam("unit_id"))


def _ancestor_rows(statement: sa.Select, params: dict) -> dict[int, tuple[int | None, str]]:
    return {
        unit_id: (parent_id, name)
        for unit_id, parent_id, name in db.session.execute(statement, params)
    }


def unit_paths_of(unit_ids) -> dict[int, str]:
    """Unit.path() of each of some units, by id, from one query (not one per unit and level)."""
    ids = {unit_id for unit_id in unit_ids if unit_id is not None}
    if not ids:
        return {}
    return unit_paths_from(_ancestor_rows(_units_and_ancestors(), {"unit_ids": sorted(ids)}), ids)


def unit_paths_from(rows: dict[int, tuple[int | None, str]], unit_ids) -> dict[int, str]:
    """Unit.path() of each of `unit_ids`, from rows {id: (parent id, name)} that hold every
    ancestor: no query, each ancestor's path worked out once."""
    paths: dict[int, str] = {}

    def path(unit_id: int) -> str:
        if unit_id not in paths:
            parent_id, name = rows[unit_id]
            paths[unit_id] = name if parent_id not in rows else f"{path(parent_id)} / {name}"
        return paths[unit_id]

    return {unit_id: path(unit_id) for unit_id in unit_ids if unit_id in rows}


def unit_path(unit_id: int | None) -> str:
    """Unit.path() of a unit by its id, in one query."""
    if unit_id is None:
        return ""
    rows = _ancestor_rows(_unit_and_ancestors(), {"unit_id": unit_id})
    return unit_paths_from(rows, [unit_id]).get(unit_id, "")


class User(UserMixin, db.Model):
    """A person who signs in; learners are cadres (干部)."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored normalised (NFKC, lower case) so that "Zhang" and "ｚｈａｎｇ" are one account.
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    role: Mapped[str] = mapped_column(sa.String(16), default=Role.LEARNER.value)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    # An administrator's scope (单位管理员): the unit whose tree they manage. None for an
    # administrator means the whole province; it means nothing for other roles.
    admin_unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("unit.id", name="fk_user_admin_unit_id"), index=True
    )
    position: Mapped[str] = mapped_column(sa.String(128), default="")  # 职务
    rank_level: Mapped[str | None] = mapped_column(sa.String(16))  # 职级 band, see RankLevel
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    # 工号 and 身份证号: keys a unit's own sheets may use for its cadres (IMPORT_TRAINING_KEY).
    employee_no: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    id_number: Mapped[str | None] = mapped_column(sa.String(18), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    # Set for accounts given a generated password; cleared when the owner picks their own.
    must_change_password: Mapped[bool] = mapped_column(default=True)
    # Demo accounts keep their published password; the UI marks them.
    is_demo: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    # Where reminders are mailed, and whether the user wants them by email (in-app ones stay).
    email: Mapped[str] = mapped_column(sa.String(254), default="", server_default="")
    email_reminders: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]

    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id])
    admin_unit: Mapped[Unit | None] = relationship(foreign_keys=[admin_unit_id])

    # The sign-in session this request belongs to; set by the session loader, not stored.
    session_token = None

    @property
    def is_active(self) -> bool:
        return self.active

    # Flask-Login's UserMixin compares users by get_id(), which here names a sign-in session and is
    # None for everyone but the requester; compare rows instead.
    def __eq__(self, other):
        if not isinstance(other, User):
            return NotImplemented
        return self is other or (self.id is not None and self.id == other.id)

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = object.__hash__

    def get_id(self) -> str | None:
        """Identify the sign-in session, not the user, so each session can be ended on its own."""
        return self.session_token

    def set_password(self, password: str, generated: bool = False) -> None:
        """Hash with scrypt, a memory-hard KDF.

        A generated password carries about 70 random bits, beyond any brute force, so it is hashed
        at a lower cost (PASSWORD_HASH_GENERATED); that keeps a 1,000-row roster import quick.
        Chosen passwords get full cost (PASSWORD_HASH_CHOSEN).
        """
        chosen_method, generated_method = password_methods()
        method = generated_method if generated else chosen_method
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


def password_methods() -> tuple[str, str]:
    """The hash methods of chosen and of generated passwords, from the settings."""
    return current_app.config["PASSWORD_HASH_CHOSEN"], current_app.config["PASSWORD_HASH_GENERATED"]


class UserSession(db.Model):
    """A signed-in browser session, kept in the database so any worker can end it."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None]
    ip: Mapped[str] = mapped_column(sa.String(45), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(255), default="")

    user: Mapped[User] = relationship()


class SecretShownOnce(db.Model):
    """A password to be shown to one administrator, once: kept here, never in the session cookie.

    The cookie carries only the row's random token; viewing the page deletes the row, so a copy of
    the cookie replayed later shows nothing. Rows not viewed expire (accounts/credentials.py)."""

    __tablename__ = "secret_shown_once"

    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    viewer_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    subject_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    secret: Mapped[str] = mapped_column(sa.String(255))
    # True when the account was just created, False after a reset: the page words it so.
    created: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LoginFailure(db.Model):
    """One failed sign-in, counted for throttling by account-and-address and by address."""

    __tablename__ = "login_failure"
    __table_args__ = (
        sa.Index("ix_login_failure_key_ip_at", "username_key", "ip", "at"),
        sa.Index("ix_login_failure_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The username as typed (normalised); it need not belong to an account.
    username_key: Mapped[str] = mapped_column(sa.String(64))
    ip: Mapped[str] = mapped_column(sa.String(45))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


cohort_instructor = sa.Table(
    "cohort_instructor",
    db.metadata,
    sa.Column("cohort_id", sa.ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)

cohort_member = sa.Table(
    "cohort_member",
    db.metadata,
    sa.Column("cohort_id", sa.ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class Cohort(db.Model):
    """A class (班次): a group of learners taught together by instructors over a period."""

    __tablename__ = "cohort"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(128), unique=True)
    start_date: Mapped[dt.date | None]
    end_date: Mapped[dt.date | None]
    # The unit that holds the class: its unit administrators manage it. None: only the province.
    unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("unit.id", name="fk_cohort_unit_id"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit | None] = relationship()
    instructors: Mapped[list[User]] = relationship(
        secondary=cohort_instructor, order_by="User.username"
    )
    members: Mapped[list[User]] = relationship(secondary=cohort_member, order_by="User.username")


class AuditEvent(db.Model):
    """Who did what, when (UTC) and from where; never edited or deleted."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    # A copy of the username, so the entry stays readable whatever happens to the account.
    actor_username: Mapped[str] = mapped_column(sa.String(64), default="")
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    target: Mapped[str] = mapped_column(sa.String(255), default="")
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    ip: Mapped[str] = mapped_column(sa.String(45), default="")


class RosterUpload(JobProgress, db.Model):
    """An uploaded roster kept between preview and commit, so any worker can finish it."""

    __tablename__ = "roster_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(sa.String(255))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    committed_at: Mapped[dt.datetime | None]
    # What the preview shows (accounts/roster.py Preview), worked out once when the file came in;
    # the import checks the file again, since units and users may change in between.
    preview: Mapped[dict | None] = mapped_column(sa.JSON)
    # The address the import was started from, for its audit entry.
    started_from: Mapped[str | None] = mapped_column(sa.String(45))
    # The sheet of initial passwords, kept only until it is downloaded once.
    credentials_sheet: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    # The import runs in the background (accounts/import_job.py): None until it is started, then
    # a JobStatus, with the rows done of the total for the progress bar.
    status: Mapped[JobStatus | None] = mapped_column(status_type(JobStatus))
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    # {"created": n, "updated": n, "unchanged": n} once done.
    summary: Mapped[dict | None] = mapped_column(sa.JSON)
    error: Mapped[str | None] = mapped_column(sa.String(500))
    # The queue's bookkeeping (courseware/jobs.py): when it was last sent, how often a worker took
    # it, and the running worker's last sign of life.
    queued_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    heartbeat_at: Mapped[dt.datetime | None]

    @property
    def may_start(self) -> bool:
        """Not imported yet, nor being imported: never started, or failed."""
        return self.status in (None, JobStatus.FAILED)
