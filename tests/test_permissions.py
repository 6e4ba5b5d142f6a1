"""The predicates and query helpers of courseware.permissions, on a small unit tree."""

import pytest
import sqlalchemy as sa
from flask_login import login_user

from courseware import permissions
from courseware.accounts.models import Cohort, Role, User
from courseware.db import db


@pytest.fixture
def tree(make_unit, make_user, make_class):
    ids = {
        "province": make_unit("浙江省"),
        "city": make_unit("浙江省", "杭州市"),
        "county": make_unit("浙江省", "杭州市", "西湖区"),
        "town": make_unit("浙江省", "杭州市", "西湖区", "某街道"),
        "other": make_unit("浙江省", "宁波市"),
    }
    ids["city_admin"] = make_user(Role.ADMIN, unit_id=ids["city"], admin_unit_id=ids["city"])
    ids["county_admin"] = make_user(Role.ADMIN, unit_id=ids["county"], admin_unit_id=ids["county"])
    ids["prov"] = make_user(Role.ADMIN)
    ids["teacher"] = make_user(Role.INSTRUCTOR)
    ids["town_learner"] = make_user(unit_id=ids["town"])
    ids["other_learner"] = make_user(unit_id=ids["other"])
    ids["class"] = make_class([ids["teacher"]], [ids["town_learner"]], unit_id=ids["county"])
    return ids


def test_a_unit_administrator_manages_their_unit_and_everything_below(app, tree):
    with app.app_context():
        city = db.session.get(User, tree["city_admin"])
        assert permissions.managed_unit_set(city) == {tree["city"], tree["county"], tree["town"]}
        assert permissions.manages_unit(city, tree["town"])
        assert not permissions.manages_unit(city, tree["province"])
        assert not permissions.manages_unit(city, tree["other"])
        assert not permissions.manages_unit(city, None)
        prov = db.session.get(User, tree["prov"])
        assert permissions.managed_unit_set(prov) is None
        assert permissions.manages_unit(prov, tree["other"])


def test_a_unit_administrator_never_manages_a_wider_administrator(app, tree):
    with app.app_context():
        city = db.session.get(User, tree["city_admin"])
        county = db.session.get(User, tree["county_admin"])
        assert permissions.manages_user(city, county)
        assert not permissions.manages_user(county, city)
        assert not permissions.manages_user(city, db.session.get(User, tree["prov"]))
        managed = {u.id for u in db.session.scalars(permissions.managed_users(county))}
        assert tree["town_learner"] in managed and tree["city_admin"] not in managed


def test_instructors_see_the_learners_of_their_classes_only(app, tree):
    with app.app_context():
        teacher = db.session.get(User, tree["teacher"])
        assert permissions.visible_learner_set(teacher) == {tree["town_learner"]}
        assert permissions.may_see_learner(teacher, tree["town_learner"])
        assert not permissions.may_see_learner(teacher, tree["other_learner"])
        cohort = db.session.get(Cohort, tree["class"])
        assert permissions.teaches(teacher, cohort) and permissions.may_teach(teacher, cohort)
        classes = list(db.session.scalars(permissions.visible_cohorts(teacher)))
        assert [c.id for c in classes] == [tree["class"]]
        learner = db.session.get(User, tree["town_learner"])
        assert not permissions.may_teach(learner, cohort)
        assert list(db.session.scalars(permissions.visible_cohorts(learner))) == []


def test_the_class_belongs_to_the_administrators_of_its_unit(app, tree):
    with app.app_context():
        cohort = db.session.get(Cohort, tree["class"])
        for admin in ("city_admin", "county_admin", "prov"):
            assert permissions.manages_cohort(db.session.get(User, tree[admin]), cohort)
        other = db.session.get(User, tree["county_admin"])
        other.admin_unit_id = tree["other"]
        assert not permissions.manages_cohort(other, cohort)
        assert not permissions.may_see_learner(other, tree["town_learner"])
        ids = db.session.scalars(
            sa.select(User.id).where(permissions.learner_clause(other, User.id))
        )
        assert tree["town_learner"] not in set(ids)


def test_templates_ask_by_name_and_an_unknown_question_is_an_error(app, tree):
    with app.test_request_context():
        login_user(db.session.get(User, tree["teacher"]))
        assert permissions.can("teach") and not permissions.can("administer")
        assert permissions.can("teach", db.session.get(Cohort, tree["class"]))
        with pytest.raises(ValueError):
            permissions.can("fly")


def test_a_course_is_edited_by_its_editors_and_province_administrators(app, tree, make_user):
    from courseware.courses.models import Course

    editor_id = make_user(Role.INSTRUCTOR)
    with app.app_context():
        course = Course(
            slug="edited",
            title={"zh": "课程", "en": "Course"},
            summary={},
            audience={},
            credit_hours=1,
            items=[],
            completion={},
            settings_hash="x",
        )
        course.editors.append(db.session.get(User, editor_id))
        db.session.add(course)
        db.session.commit()
        course_id = course.id
    for loaded in (False, True):
        with app.app_context():
            course = db.session.get(Course, course_id)
            if loaded:
                assert [editor.id for editor in course.editors] == [editor_id]
            assert ("editors" in sa.inspect(course).unloaded) is not loaded
            may = {
                name: permissions.edits_course(db.session.get(User, tree[name]), course)
                for name in ("prov", "teacher", "city_admin", "town_learner")
            }
            assert may == {
                "prov": True,
                "teacher": False,
                "city_admin": False,
                "town_learner": False,
            }
            assert permissions.edits_course(db.session.get(User, editor_id), course)
            assert not permissions.edits_course(db.session.get(User, editor_id), None)
            listed = {
                name: permissions.edited_courses(db.session.get(User, tree[name]), [course])
                for name in ("prov", "teacher", "town_learner")
            }
            assert listed == {"prov": [course], "teacher": [], "town_learner": []}
            assert permissions.edited_courses(db.session.get(User, editor_id), [course]) == [course]


@permissions.built_per_viewer
def _viewer_classes(user):
    return permissions.visible_cohorts(user).order_by(Cohort.id)


def test_a_statement_built_per_viewer_serves_that_viewer_only_and_reads_fresh_rows(
    app, tree, make_class
):
    with app.app_context():
        teacher = db.session.get(User, tree["teacher"])
        county = db.session.get(User, tree["county_admin"])
        first = _viewer_classes(teacher)
        # The same viewer in a later request (another object, same id, role and unit): kept.
        db.session.expunge_all()
        again = db.session.get(User, tree["teacher"])
        assert again is not teacher and _viewer_classes(again) is first
        assert _viewer_classes(county) is not first
        assert [c.id for c in db.session.scalars(first)] == [tree["class"]]
        # A class taught since is in the kept statement's list at once: rows are read anew.
        later = make_class([tree["teacher"]], [], unit_id=tree["other"])
        assert [c.id for c in db.session.scalars(_viewer_classes(again))] == [tree["class"], later]
        # A viewer whose role or unit changed gets a statement of their own.
        county = db.session.get(User, tree["county_admin"])
        scoped = _viewer_classes(county)
        county.admin_unit_id = tree["other"]
        widened = _viewer_classes(county)
        assert widened is not scoped
        assert [c.id for c in db.session.scalars(widened)] == [later]
        assert [c.id for c in db.session.scalars(scoped)] == [tree["class"]]
