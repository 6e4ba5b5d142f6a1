"""The course's own pages in the browser, on the real course 微博与领导工作: its introduction with
the completion rule, its glossary, its instructor's guide and a lesson's figure, at 360 and 1280
px, in Chinese and English — no page wider than the screen, every image loaded."""

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from courseware.accounts.models import Role
from courseware.courses.models import Course
from courseware.db import db
from courseware.progress.models import CourseAssignment
from courseware.timeutil import utcnow
from tests.browser.conftest import page_width, screenshot, sign_in

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SLUG = "microblogging-and-leadership"


@pytest.fixture
def real_course(app, tmp_path, sync, make_user, make_class):
    """The repository's course, synced; an instructor teaching a class it is assigned to."""
    for kind in ("lessons", "quizzes", "exercises"):
        shutil.copytree(ROOT / kind / SLUG, tmp_path / kind / SLUG)
        app.config[f"{kind.upper()}_DIR"] = str(tmp_path / kind)
    sync()
    teacher = make_user(Role.INSTRUCTOR, username="teacher", name="李文华")
    learner = make_user(username="learner", name="学员甲")
    cohort = make_class([teacher], [learner])
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == SLUG))
        today = utcnow().date()
        db.session.add(
            CourseAssignment(cohort_id=cohort, course_id=course.id, starts_on=today, due_on=today)
        )
        db.session.commit()


def visit(browser, base, username, locale, width, path):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale=locale)
    page = context.new_page()
    sign_in(page, base, username)
    page.goto(f"{base}{path}")
    page.wait_for_load_state("networkidle")
    return context, page


def fits_and_images_load(page, width):
    assert page_width(page) <= width
    broken = page.eval_on_selector_all(
        "main img", "images => images.filter(i => !i.complete || i.naturalWidth === 0).length"
    )
    assert broken == 0


PAGES = [
    ("learner", f"/courses/{SLUG}/about", {"zh": "完成要求", "en": "What completes the course"}),
    ("learner", f"/courses/{SLUG}/glossary", {"zh": "术语表", "en": "Glossary"}),
    ("teacher", f"/teach/courses/{SLUG}/guide", {"zh": "讨论题参考要点", "en": "Answer points"}),
    ("learner", f"/courses/{SLUG}/rise-of-government-microblogs", {"zh": "小结", "en": "Summary"}),
]


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"], ids=["zh", "en"])
def test_the_course_pages_fit_the_screen_in_both_languages(
    app, live_server, browser, real_course, locale, width
):
    language = locale[:2]
    for username, path, heading in PAGES:
        context, page = visit(browser, live_server, username, locale, width, path)
        expect(page.locator("main")).to_contain_text(heading[language])
        fits_and_images_load(page, width)
        screenshot(page, f"course-{path.rsplit('/', 1)[-1]}-{language}-{width}")
        context.close()


def test_the_course_page_leads_to_its_pages_by_keyboard(app, live_server, browser, real_course):
    context, page = visit(browser, live_server, "teacher", "zh-CN", 1280, f"/courses/{SLUG}")
    links = page.locator(".course-links a")
    expect(links).to_have_count(3)
    screenshot(page, "course-page-instructor-zh-1280")
    links.first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/about")
    expect(page.locator("h1")).to_have_text("课程介绍")
    context.close()
    context, page = visit(browser, live_server, "learner", "zh-CN", 360, f"/courses/{SLUG}")
    expect(page.locator(".course-links a")).to_have_count(2)  # no guide for a learner
    screenshot(page, "course-page-learner-zh-360")
    context.close()
