"""The roles a person may hold, defined once for access, accounts and every domain."""

import enum


class Role(str, enum.Enum):
    """What a person may do: 学员 learner, 教师 instructor, 管理员 administrator."""

    LEARNER = "learner"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"
