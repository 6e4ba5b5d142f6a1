"""Administrative changes to users, units and classes, each recorded in the audit log.

Every function adds its change and its audit entry to the session; the caller commits once, so the
change and its record land together or not at all.
"""

import sqlalchemy as sa

from courseware.accounts import audit, identity, sessions
from courseware.accounts.credentials import generate_password
from courseware.accounts.models import Cohort, LoginFailure, Role, Unit, User
from courseware.db import db

# Fields an administrator edits on a user, with how each is compared and stored.
USER_FIELDS = (
    "username",
    "name",
    "role",
    "unit_id",
    "admin_unit_id",
    "position",
    "rank_level",
    "phone",
    "employee_no",
    "id_number",
)


def _changes(obj, values: dict) -> dict:
    """Apply values to obj and return {field: [old, new]} for those that differ."""
    changed = {}
    for field, new in values.items():
        old = getattr(obj, field)
        if old != new:
            changed[field] = [old, new]
            setattr(obj, field, new)
    return changed


def initial_password() -> tuple[str, str]:
    """A generated password and its hash: the slow part of creating an account, which a roster
    import does for every row before it writes any."""
    password = generate_password()
    holder = User()
    holder.set_password(password, generated=True)
    return password, holder.password_hash


def create_user(
    values: dict, actor: User | None = None, prepared: tuple[str, str] | None = None
) -> tuple[User, str]:
    """Create an account with a generated password it must change at first sign-in.

    Returns the user and the initial password, which is shown once and never stored in clear.
    `prepared` is an initial_password() made beforehand; `actor` who did it, when not the signed-in
    user (a background import).
    """
    password, password_hash = prepared or initial_password()
    user = User(**{k: values.get(k) for k in USER_FIELDS if k in values})
    user.position = user.position or ""
    user.phone = user.phone or ""
    user.password_hash = password_hash
    user.must_change_password = True
    db.session.add(user)
    audit.record("user.create", target=user.username, detail={"role": user.role}, actor=actor)
    return user, password


def update_user(user: User, values: dict, actor: User | None = None) -> dict:
    """Change an account's details; role changes are audited under their own action."""
    changed = _changes(user, {k: values[k] for k in USER_FIELDS if k in values})
    if "role" in changed:
        audit.record("user.role", target=user.username, detail=changed["role"], actor=actor)
    if "id_number" in changed:
        # The audit log keeps what any administrator may read: the last four characters.
        changed["id_number"] = [identity.masked_id_number(v) for v in changed["id_number"]]
    if changed:
        audit.record("user.update", target=user.username, detail=changed, actor=actor)
    return changed


def set_active(user: User, active: bool) -> None:
    """Deactivate (ending every session at once) or reactivate an account."""
    user.active = active
    if not active:
        sessions.end_all_sessions(user)
    audit.record("user.activate" if active else "user.deactivate", target=user.username)


def clear_sign_in_failures(user: User) -> None:
    """Lift a sign-in lock on an account, whatever address caused it."""
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.username_key == user.username))
    audit.record("user.unlock", target=user.username)


def reset_password(user: User) -> str:
    """Give the account a new generated password and end its sessions; return the password."""
    password = generate_password()
    user.set_password(password, generated=True)
    user.must_change_password = True
    sessions.end_all_sessions(user)
    audit.record("user.reset_password", target=user.username)
    return password


def save_unit(unit: Unit | None, name: str, parent_id: int | None) -> Unit:
    """Create a unit, or rename or move an existing one."""
    if unit is None:
        unit = Unit(name=name, parent_id=parent_id)
        db.session.add(unit)
        db.session.flush()
        audit.record("unit.create", target=unit.path())
        return unit
    changed = _changes(unit, {"name": name, "parent_id": parent_id})
    if changed:
        db.session.flush()
        audit.record("unit.update", target=unit.path(), detail=changed)
    return unit


def unit_in_use(unit: Unit) -> bool:
    """True when a unit still has sub-units, people, administrators scoped to it or classes, and so
    may not be deleted."""
    if unit.children:
        return True
    people = sa.or_(User.unit_id == unit.id, User.admin_unit_id == unit.id)
    if db.session.scalar(sa.select(sa.func.count()).where(people)) > 0:
        return True
    return db.session.scalar(sa.select(sa.func.count()).where(Cohort.unit_id == unit.id)) > 0


def delete_unit(unit: Unit) -> None:
    """Delete an empty unit."""
    audit.record("unit.delete", target=unit.path())
    db.session.delete(unit)


def save_cohort(
    cohort: Cohort | None, name, start_date, end_date, instructor_ids, unit_id=None
) -> Cohort:
    """Create or edit a class (班次), the unit that holds it, and its instructors."""
    instructors = (
        db.session.scalars(
            sa.select(User).where(User.id.in_(instructor_ids), User.role == Role.INSTRUCTOR.value)
        ).all()
        if instructor_ids
        else []
    )
    created = cohort is None
    if created:
        cohort = Cohort(name=name)
        db.session.add(cohort)
    changed = _changes(
        cohort,
        {"name": name, "start_date": start_date, "end_date": end_date, "unit_id": unit_id},
    )
    if set(cohort.instructors) != set(instructors):
        changed["instructors"] = [
            [u.username for u in cohort.instructors],
            [u.username for u in instructors],
        ]
        cohort.instructors = instructors
    db.session.flush()
    if created or changed:
        audit.record(
            "class.create" if created else "class.update", target=cohort.name, detail=changed
        )
    return cohort


def add_members(cohort: Cohort, learners: list[User]) -> list[User]:
    """Add learners to a class; return those who were not members already."""
    new = [u for u in learners if u not in cohort.members]
    cohort.members.extend(new)
    if new:
        audit.record("class.add_members", target=cohort.name, detail=[u.username for u in new])
    return new


def remove_member(cohort: Cohort, learner: User) -> None:
    """Take a learner out of a class."""
    if learner in cohort.members:
        cohort.members.remove(learner)
        audit.record("class.remove_member", target=cohort.name, detail=learner.username)


def find_learners(
    usernames: list[str], scope: set[int] | None = None
) -> tuple[list[User], list[str]]:
    """Look up learners by username; return those found and the names that matched no learner.

    With a `scope` (a unit administrator's unit ids), learners of other units count as unknown."""
    if not usernames:
        return [], []
    found = db.session.scalars(
        sa.select(User).where(User.username.in_(usernames), User.role == Role.LEARNER.value)
    ).all()
    if scope is not None:
        found = [u for u in found if u.unit_id in scope]
    known = {u.username for u in found}
    return list(found), [n for n in usernames if n not in known]


def learners_of_unit(unit_id: int) -> list[User]:
    """Every active learner of a unit and of its sub-units."""
    ids, frontier = {unit_id}, [unit_id]
    while frontier:
        frontier = list(db.session.scalars(sa.select(Unit.id).where(Unit.parent_id.in_(frontier))))
        ids.update(frontier)
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.unit_id.in_(ids), User.role == Role.LEARNER.value, User.active.is_(True))
            .order_by(User.username)
        )
    )
