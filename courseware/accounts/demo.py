"""A demo organisation for trying Courseware out: units, staff, and a class of 30 learners."""

import datetime as dt

import sqlalchemy as sa

from courseware import signals
from courseware.accounts.models import Cohort, RankLevel, Role, Unit, User
from courseware.db import db

DEMO_PASSWORD = "courseware-demo"

# (path from the root) — the demo's unit tree.
UNIT_PATHS = [
    ("浙江省",),
    ("浙江省", "省委组织部"),
    ("浙江省", "省委组织部", "干部教育处"),
    ("浙江省", "省委党校"),
    ("浙江省", "省委党校", "教务处"),
    ("浙江省", "杭州市"),
    ("浙江省", "杭州市", "市委宣传部"),
    ("浙江省", "杭州市", "市公安局"),
    ("浙江省", "衢州市"),
    ("浙江省", "衢州市", "柯城区"),
]
LEARNER_UNITS = [UNIT_PATHS[2], UNIT_PATHS[6], UNIT_PATHS[7], UNIT_PATHS[9]]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN_NAMES = [
    "建华",
    "秀英",
    "志强",
    "丽娟",
    "海涛",
    "晓燕",
    "国平",
    "文静",
    "振宇",
    "红梅",
    "立新",
    "慧敏",
    "卫东",
    "雪梅",
    "明辉",
]
POSITIONS = ["科员", "副科长", "科长", "副处长", "处长"]

STAFF = [
    ("admin", "赵敏", Role.ADMIN, ("浙江省", "省委组织部", "干部教育处"), "处长"),
    ("teacher1", "李文华", Role.INSTRUCTOR, ("浙江省", "省委党校", "教务处"), "副教授"),
    ("teacher2", "周明", Role.INSTRUCTOR, ("浙江省", "省委党校", "教务处"), "讲师"),
]
CLASS_NAME = "2026年秋季领导干部网络素养专题班"


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def _units() -> dict[tuple, Unit]:
    units: dict[tuple, Unit] = {}
    for path in UNIT_PATHS:
        unit = Unit(name=path[-1], parent=units.get(path[:-1]))
        db.session.add(unit)
        units[path] = unit
    return units


def _person(username, name, role, unit, position, rank=None) -> User:
    user = User(
        username=username,
        name=name,
        role=role.value,
        unit=unit,
        position=position,
        rank_level=rank,
        is_demo=True,
        must_change_password=False,
    )
    user.password_hash = _person.hash
    db.session.add(user)
    return user


def create_demo(today: dt.date | None = None) -> list[User]:
    """Create the demo organisation in the current transaction and return its accounts."""
    from werkzeug.security import generate_password_hash

    # One hash for all: the password is published anyway, and 33 scrypt runs would slow start-up.
    _person.hash = generate_password_hash(DEMO_PASSWORD, method="scrypt")
    today = today or dt.date.today()
    units = _units()
    staff = [_person(u, n, r, units[p], pos) for u, n, r, p, pos in STAFF]
    learners = []
    for i in range(30):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN_NAMES[(i * 7) % len(GIVEN_NAMES)]
        rank = RankLevel.COUNTY if POSITIONS[i % 5] in ("副处长", "处长") else RankLevel.TOWNSHIP
        learners.append(
            _person(
                f"learner{i + 1:02d}",
                name,
                Role.LEARNER,
                units[LEARNER_UNITS[i % 4]],
                POSITIONS[i % 5],
                rank.value,
            )
        )
    cohort = Cohort(
        name=CLASS_NAME,
        start_date=today - dt.timedelta(days=7),
        end_date=today + dt.timedelta(days=60),
        instructors=staff[1:],
        members=learners,
    )
    db.session.add(cohort)
    db.session.flush()
    # Progress gives the class the courses already loaded, so its pages have work.
    signals.demo_created.send(cohort, today=today)
    return staff + learners


def demo_logins() -> list[User]:
    """The demo accounts that still carry the published password."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.is_demo.is_(True), User.role != Role.LEARNER.value)
            .order_by(User.id)
        )
    ) + list(
        db.session.scalars(
            sa.select(User)
            .where(User.is_demo.is_(True), User.role == Role.LEARNER.value)
            .order_by(User.username)
            .limit(2)
        )
    )
