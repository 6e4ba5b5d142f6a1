"""Accessibility, measured: axe-core (WCAG 2.1 A and AA, and best practice) in Chromium on every page
a learner, an instructor, an administrator and a visitor reach, in Chinese and English, 1280 and
360 px wide; and the Nu HTML checker on the same pages as the server sends them.

One seeded site serves every test of this module: the shipped course and a small test course (a
quiz of every question type, a lesson that has no English text), the demo organisation and its
class, a handed-in and an open quiz attempt, a finished and an open exercise run, a live run under
way, a certificate, an API token and a roster upload waiting for its preview to be confirmed.
"""

import datetime as dt
import io
import json
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from werkzeug.datastructures import MultiDict
from werkzeug.serving import make_server

from courseware import caching
from courseware.accounts.demo import CLASS_NAME, DEMO_PASSWORD
from courseware.accounts.models import Cohort, Unit, User
from courseware.api.models import ApiToken
from courseware.api.tokens import issue_token
from courseware.certificates.models import Certificate
from courseware.classroom.codes import current_code
from courseware.classroom.models import ClassSession
from courseware.content.steps import check_all, sync_content
from courseware.courses.models import Course
from courseware.db import db
from courseware.exercises import engine
from courseware.exercises.models import Exercise
from courseware.exercises.runs import act, finish_run, start_run
from courseware.lessons.models import Lesson
from courseware.progress.completion import check_completion
from courseware.progress.models import LessonProgress
from courseware.quizzes.attempts import save_answers, start_attempt, submit_attempt
from courseware.quizzes.models import Answer, Quiz
from courseware.timeutil import utcnow
from tests.browser.conftest import ARTIFACTS, page_width
from tests.conftest import Auth, COURSE_YAML, lesson_text, make_app
from tests.quizzes.conftest import QUIZ_YAML, RIGHT

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
SHIPPED = "microblogging-and-leadership"
# The Nu HTML checker from the npm package vnu-jar, which `make check-browser` installs beside the
# virtual environment's Python.
VNU_JAR = Path(sys.prefix) / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
WIDTHS = (1280, 360)
LOCALES = {"zh": "zh-CN", "en": "en-US"}
IDEAL = "我们理解大家的担心。全省食盐储备充足，碘盐不能防辐射，请勿抢购。我们将持续通报。"


@dataclass
class Site:
    app: object
    base: str
    pages: dict = field(default_factory=dict)  # role -> [(name, path)]


def write_content(root: Path) -> None:
    """The shipped course as it is, and the test course with a quiz of every question type."""
    for kind in ("lessons", "quizzes", "exercises"):
        shutil.copytree(REPO / kind / SHIPPED, root / kind / SHIPPED)
    course = root / "lessons" / "test-course"
    course.mkdir(parents=True)
    (course / "course.yaml").write_text(
        COURSE_YAML.replace("  - lesson: second\n", "  - lesson: second\n  - quiz: check\n"),
        "utf-8",
    )
    (course / "01-first.md").write_text(lesson_text("第一课", "## 导语\n\n第一课正文。"), "utf-8")
    (course / "01-first.en.md").write_text(
        lesson_text("Lesson one", "## Introduction\n\nThe first lesson.", minutes=None), "utf-8"
    )
    # No English text: an English reader sees the Chinese one.
    (course / "02-second.md").write_text(lesson_text("第二课", "第二课正文。", minutes=4), "utf-8")
    quizzes = root / "quizzes" / "test-course"
    quizzes.mkdir(parents=True)
    (quizzes / "check.yaml").write_text(
        QUIZ_YAML.replace("time_limit: 0", "time_limit: 30"), "utf-8"
    )


def signed_in_client(app, username):
    client = app.test_client()
    assert Auth(client).login(username, DEMO_PASSWORD).status_code == 302
    return client


def seed(app) -> dict:
    """What the pages show: attempts, runs, a live run, a certificate, a token, an upload."""
    now = utcnow()
    ids = {}
    with app.app_context():
        found, problems = check_all()
        assert problems == []
        sync_content(found)
        db.session.commit()
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        learner = db.session.scalar(sa.select(User).where(User.username == "learner01"))
        ids["learner"] = learner.id
        ids["class"] = db.session.scalar(sa.select(Cohort.id).where(Cohort.name == CLASS_NAME))
        test_course = db.session.scalar(sa.select(Course).where(Course.slug == "test-course"))
        ids["test_course"] = test_course.id
        # The test quiz: one attempt handed in (its essay waits for grading), one open.
        quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == "check"))
        ids["quiz"] = quiz.id
        handed_in = start_attempt(quiz, learner.id, now)
        save_answers(handed_in, 1, MultiDict(RIGHT), now)
        submit_attempt(handed_in, now)
        ids["result"] = handed_in.id
        ids["essay"] = db.session.scalar(
            sa.select(Answer.id).where(Answer.attempt_id == handed_in.id, Answer.state == "manual")
        )
        ids["attempt"] = start_attempt(quiz, learner.id, now).id
        # The salt panic played to its report; the burglary wave under way.
        exercises = {e.slug: e for e in db.session.scalars(sa.select(Exercise))}
        ids["exercises"] = {slug: e.id for slug, e in exercises.items()}
        finished = start_run(exercises["salt-panic"], learner.id, now)
        act(finished, learner.id, engine.Action("post", text=IDEAL), now)
        finish_run(finished, now)
        ids["report"] = finished.id
        ids["play"] = start_run(exercises["burglary-wave"], learner.id, now).id
        # The test course completed: a certificate and its credit hours.
        for lesson in db.session.scalars(
            sa.select(Lesson).where(Lesson.course_id == test_course.id)
        ):
            db.session.add(
                LessonProgress(
                    user_id=learner.id,
                    lesson_id=lesson.id,
                    status="completed",
                    completed_at=now,
                    active_seconds=600,
                    reached_end=True,
                )
            )
        db.session.flush()
        assert check_completion(test_course.id, learner.id, now) is not None
        certificate = db.session.scalar(
            sa.select(Certificate).where(Certificate.user_id == learner.id)
        )
        ids["certificate"], ids["code"] = certificate.id, certificate.code
        token, _secret = issue_token("干部信息系统", ["reports:read"], None)
        ids["token"] = token.id
        db.session.commit()

    # A live run of the comment storm for the class, started, with its next inject out.
    teacher = signed_in_client(app, "teacher1")
    created = Auth(teacher).post(
        f"/teach/exercises/{ids['exercises']['comment-storm']}/live",
        data={"cohort": ids["class"], "teams": "2", "speed": "1"},
    )
    assert created.status_code == 302, created.status_code
    ids["live"] = int(created.location.rsplit("/", 1)[1])
    for command in ("start", "next"):
        done = Auth(teacher).post(
            f"/teach/exercises/live/{ids['live']}/control", data={"command": command}
        )
        assert done.status_code in (200, 302), done.status_code
    learner_client = signed_in_client(app, "learner01")
    live_list = learner_client.get("/exercises/live").get_data(as_text=True)
    ids["team_run"] = int(re.search(r"/exercises/runs/(\d+)", live_list).group(1))

    # A class session of the class under way: learner01 checked in and called on.
    opened = Auth(teacher).post(
        "/teach/sessions/",
        data={
            "cohort": ids["class"],
            "date": (now + dt.timedelta(hours=8)).date().isoformat(),
            "time": (now + dt.timedelta(hours=8)).strftime("%H:%M"),
            "planned_hours": "3",
            "place": "201",
            "topic": "政务微博",
        },
    )
    assert opened.status_code == 302, opened.status_code
    ids["class_session"] = int(opened.location.rsplit("/", 1)[1])
    with app.app_context():
        secret = db.session.get(ClassSession, ids["class_session"]).secret
    checked = Auth(learner_client).post(
        f"/room/{ids['class_session']}/check-in", data={"code": current_code(secret, utcnow())}
    )
    assert checked.status_code == 302, checked.status_code
    assert (
        Auth(teacher).post(f"/teach/sessions/{ids['class_session']}/roll-call").status_code == 302
    )

    # A roster file uploaded, waiting on its preview.
    admin = signed_in_client(app, "admin")
    rows = "姓名,用户名,单位,职务,职级,手机\n张𠮷,zj001,省委组织部,科长,乡科级,13800138000\n"
    uploaded = Auth(admin).post(
        "/admin/import",
        data={"file": (io.BytesIO(rows.encode()), "roster.csv")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302, uploaded.status_code
    ids["upload"] = int(uploaded.location.rstrip("/").split("/")[-1])
    return ids


def page_list(ids: dict) -> dict:
    """The pages each role visits, by a short name."""
    c, live = SHIPPED, ids["live"]
    return {
        "visitor": [
            ("login", "/login"),
            ("verify", "/verify"),
            ("verify-code", f"/verify/{ids['code']}"),
        ],
        "learner": [
            ("home", "/"),
            ("catalogue", "/courses/"),
            ("course", f"/courses/{c}"),
            ("lesson", f"/courses/{c}/beyond-follower-counts"),
            ("test-course", "/courses/test-course"),
            ("lesson-zh-only", "/courses/test-course/second"),
            ("quiz-intro", "/quizzes/test-course/check"),
            ("quiz-attempt", f"/quizzes/attempts/{ids['attempt']}"),
            ("quiz-result", f"/quizzes/attempts/{ids['result']}/result"),
            ("exercise-intro", f"/exercises/{c}/salt-panic"),
            ("exercise-play", f"/exercises/runs/{ids['play']}"),
            ("exercise-live-play", f"/exercises/runs/{ids['team_run']}"),
            ("exercise-report", f"/exercises/runs/{ids['report']}/report"),
            ("live-list", "/exercises/live"),
            ("my-learning", "/my-learning"),
            ("training-record", "/my-learning/record"),
            ("notifications", "/notifications"),
            ("room", "/room/"),
            ("room-session", f"/room/{ids['class_session']}"),
            ("certificates", "/certificates"),
            ("certificate", f"/certificates/{ids['certificate']}"),
            ("password", "/password"),
        ],
        "instructor": [
            ("teach-exercises", "/teach/exercises/"),
            ("live-control", f"/teach/exercises/live/{live}"),
            ("live-projector", f"/teach/exercises/live/{live}/projector"),
            ("live-report", f"/teach/exercises/live/{live}/report"),
            ("run-review", f"/teach/exercises/runs/{ids['report']}/review"),
            ("quiz-results", "/teach/quizzes/"),
            ("quiz-overview", f"/teach/quizzes/{ids['quiz']}"),
            ("grading", "/teach/quizzes/grading"),
            ("grade", f"/teach/quizzes/answers/{ids['essay']}"),
            ("quiz-import", "/teach/quizzes/import"),
            ("reports", "/reports/"),
            ("classes", "/classes"),
            ("class", f"/classes/{ids['class']}"),
            ("class-progress", f"/teach/classes/{ids['class']}/progress"),
            ("class-courses", f"/teach/classes/{ids['class']}/courses"),
            ("learner", f"/teach/learners/{ids['learner']}"),
            ("completion-rule", f"/teach/courses/{c}/completion"),
            ("class-sessions", "/teach/sessions/"),
            ("class-session", f"/teach/sessions/{ids['class_session']}"),
            ("class-projector", f"/teach/sessions/{ids['class_session']}/projector"),
            ("author", "/author/"),
            ("author-edit", f"/author/{c}/beyond-follower-counts/edit"),
            ("author-history", f"/author/{c}/beyond-follower-counts/history"),
        ],
        "admin": [
            ("admin", "/admin/"),
            ("users", "/admin/users"),
            ("user", f"/admin/users/{ids['learner']}"),
            ("user-new", "/admin/users/new"),
            ("admin-classes", "/admin/classes"),
            ("admin-class", f"/admin/classes/{ids['class']}"),
            ("units", "/admin/units"),
            ("admin-courses", "/admin/courses"),
            ("audit", "/admin/audit"),
            ("api-tokens", "/admin/api-tokens/"),
            ("roster-import", "/admin/import"),
            ("roster-preview", f"/admin/import/{ids['upload']}"),
            ("admin-certificates", "/admin/certificates"),
            ("certificate-design", "/admin/certificates/design"),
            ("credits", "/admin/credits/"),
            ("credits-behind", "/admin/credits/behind"),
            ("quotas", "/admin/credits/quotas"),
            ("records", "/records?q=learner01"),
            ("learner-record", f"/records/users/{ids['learner']}"),
            ("locked-addresses", "/admin/locked-addresses"),
        ],
    }


USERS = {"visitor": None, "learner": "learner01", "instructor": "teacher1", "admin": "admin"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The seeded site, served on a free local port for the whole module."""
    root = tmp_path_factory.mktemp("a11y")
    write_content(root)
    # The per-process caches hold rows of another test's database: start and end without them.
    caching.clear_all()
    app = make_app(
        f"sqlite:///{root / 'site.sqlite3'}",
        JOBS_BROKER=f"sqlite:///{root / 'jobs.db'}",
        LESSONS_DIR=str(root / "lessons"),
        QUIZZES_DIR=str(root / "quizzes"),
        EXERCISES_DIR=str(root / "exercises"),
    )
    with app.app_context():
        db.create_all()
    ids = seed(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Site(app, f"http://127.0.0.1:{server.server_port}", page_list(ids))
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    caching.clear_all()


def describe(page_name, width, violations) -> list[str]:
    lines = []
    for violation in violations:
        lines.append(
            f"{page_name} @{width}px: {violation['id']} ({violation['impact']}): {violation['help']}"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", " ")[:300])
    return lines


AXE_SCRIPT = Axe().axe_script


def axe_run(**options) -> str:
    options = {
        "runOnly": {"type": "tag", "values": AXE_TAGS},
        "resultTypes": ["violations"],
    } | options
    return f"axe.run(document, {json.dumps(options)})"


# Colour contrast takes about half of axe's time, and the phone is where it is strictest: Pico sets
# text 25% larger at 1280 px, where more of it counts as large, and no colour in app.css changes with
# the width. So it is checked at 360 px, with the menu unfolded so that its links are seen too; every
# other rule runs at both widths. (css-orientation-lock, the one rule that reads the style sheets,
# does so at 1280 px.)
AXE_RUNS = {
    1280: axe_run(rules={"color-contrast": {"enabled": False}}),
    360: axe_run(preload=False),
}
# Pages that only the Nu checker and the title and language checks read: forms and lists made like
# the pages checked in the browser too, left out there to keep the test quick.
NOT_IN_BROWSER = {
    "verify",
    "test-course",
    "live-list",
    "certificates",
    "password",
    "quiz-results",
    "grade",
    "quiz-import",
    "classes",
    "class",
    "class-courses",
    "completion-rule",
    "author",
    "author-history",
    "user-new",
    "admin-classes",
    "units",
    "admin-courses",
    "admin-certificates",
    "credits-behind",
    "quotas",
    "locked-addresses",
}


@pytest.mark.parametrize("language", LOCALES)
@pytest.mark.parametrize("role", USERS)
def test_axe_finds_no_violation(site, browser, role, language):
    """Each page at 1280 px, then at 360 px without reloading (the layout follows the width)."""
    context = browser.new_context(
        viewport={"width": WIDTHS[0], "height": 900}, locale=LOCALES[language]
    )
    page = context.new_page()
    username = USERS[role]
    if username:
        page.goto(f"{site.base}/login")
        page.locator("#username").fill(username)
        page.locator("#password").fill(DEMO_PASSWORD)
        page.locator("#submit").click()
        page.wait_for_load_state()
        assert "/login" not in page.url
    problems = []
    runs = 0
    for name, path in site.pages[role]:
        if name in NOT_IN_BROWSER:
            continue
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        response = page.goto(site.base + path)
        assert response.status == 200, f"{name}: {path} answered {response.status}"
        page.evaluate(AXE_SCRIPT)  # axe-core as axe-playwright-python bundles it, once a page
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            # Unfold the menu; the projector's full-screen page has none.
            if width < 600 and username and page.locator("header .nav-toggle").count():
                page.locator("header .nav-toggle").click()
            violations = page.evaluate(AXE_RUNS[width])["violations"]
            problems += describe(f"{role}/{language}/{name}", width, violations)
            runs += 1
    context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{role}-{language}.txt").write_text("\n".join(problems) + "\n", "utf-8")
    assert not problems, f"{runs} axe runs, problems:\n" + "\n".join(problems)


@pytest.fixture(scope="module")
def served(site):
    """Every page as the server sends it, by (role, language, name): fetched once for the tests that
    read the HTML itself."""
    pages = {}
    for role, listed in site.pages.items():
        for language, locale in LOCALES.items():
            client = site.app.test_client()
            client.environ_base["HTTP_ACCEPT_LANGUAGE"] = locale
            if USERS[role]:
                assert Auth(client).login(USERS[role], DEMO_PASSWORD).status_code == 302
            for name, path in listed:
                response = client.get(path)
                assert response.status_code == 200, (
                    f"{name}: {path} answered {response.status_code}"
                )
                pages[role, language, name] = response.get_data(as_text=True)
    return pages


def test_the_nu_html_checker_finds_no_error(served, tmp_path):
    """Every page, as the server sends it in both languages, is valid HTML: one run of the checker
    for all of them (it takes seconds to start)."""
    assert VNU_JAR.exists(), f"{VNU_JAR} is missing: `make check-browser` installs it"
    assert shutil.which("java"), "Java is missing: `make check-browser` installs it"
    files = []
    for (role, language, name), html in served.items():
        file = tmp_path / f"{role}-{language}-{name}.html"
        file.write_text(html, "utf-8")
        files.append(file)
    checked = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(checked.stderr)["messages"]
    errors = [m for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
    lines = [
        f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}  [{m.get('extract', '')!r}]"
        for m in errors
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "nu-html-checker.txt").write_text("\n".join(lines) + "\n", "utf-8")
    assert not errors, f"{len(files)} pages, {len(errors)} errors:\n" + "\n".join(lines)


TITLE = re.compile(r"<title>(.*?)</title>", re.S)


@pytest.mark.parametrize("language", LOCALES)
def test_every_page_has_a_title_of_its_own(served, language):
    """WCAG 2.4.2: the title tells the pages apart, a quiz's page, attempt and result included."""
    by_title = {}
    for (role, page_language, name), html in served.items():
        if page_language == language:
            by_title.setdefault(TITLE.search(html).group(1).strip(), []).append(f"{role}/{name}")
    shared = {title: names for title, names in by_title.items() if len(names) > 1}
    assert shared == {}
    quiz = [t for t, names in by_title.items() if set(names) & {"learner/quiz-intro"}][0]
    attempt = [t for t, names in by_title.items() if "learner/quiz-attempt" in names][0]
    assert attempt.endswith(quiz) and attempt != quiz


HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0002ffff]")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class UnmarkedChinese(HTMLParser):
    """Collects text with Chinese in it that no element with lang="zh..." encloses."""

    def __init__(self, names):
        super().__init__()
        self.names, self.open, self.found = names, [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.open.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data):
        # A title, an option and a text box cannot hold a <span lang>; their text is left alone.
        if any(tag in ("script", "title", "option", "textarea") for tag, _ in self.open):
            return
        lang = next((lang for _, lang in reversed(self.open) if lang), "")
        rest = data
        for name in self.names:
            rest = rest.replace(name, "")
        if HAN.search(rest) and not lang.startswith("zh"):
            self.found.append(f"<{self.open[-1][0]}> {data.strip()[:80]}")


def test_chinese_on_english_pages_says_it_is_chinese(site, served):
    """WCAG 3.1.2: on English pages, course text shown in Chinese for want of an English one, the
    Chinese in English texts (早讲话 in "Speak early (早讲话)") and what learners typed carry
    lang="zh-CN". The names of people, units, classes and positions are data in one language
    whatever the page's, and are left as they are."""
    with site.app.app_context():
        names = {
            value
            for query in (
                sa.select(User.name),
                sa.select(User.position),
                sa.select(Unit.name),
                sa.select(Cohort.name),
                sa.select(ApiToken.name),
            )
            for value in db.session.scalars(query)
            if value
        }
    names |= {"张𠮷"}  # the roster file's name, waiting to be imported
    found = []
    for (role, language, name), html in served.items():
        if language == "en":
            parser = UnmarkedChinese(sorted(names, key=len, reverse=True))
            parser.feed(html)
            found += [f"{role}/{name}: {text}" for text in parser.found]
    assert found == []
    # The checks have something to find: the lesson with no English text, in Chinese.
    course = served["learner", "en", "test-course"]
    assert '<span lang="zh-CN">第二课</span>' in course
    assert "学时" not in re.sub(r'<span lang="zh-CN">[^<]*</span>', "", course)


def contrast(rgb, background=(255, 255, 255)):
    def luminance(colour):
        channels = [c / 255 for c in colour]
        channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    lighter, darker = sorted((luminance(rgb), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def focus_colours(page):
    """The colours of the focused element's ring: its box-shadows (Pico's) and outline, each laid
    over white when translucent; read once its transition is over."""
    page.wait_for_function("() => document.activeElement.getAnimations().length === 0")
    shadow, outline_style, outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.boxShadow, s.outlineStyle, s.outlineColor]; }"
    )
    source = shadow + (" " + outline if outline_style != "none" else "")
    colours = []
    for match in re.finditer(r"rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?\)", source):
        alpha = float(match.group(4) or 1)
        colours.append(tuple(alpha * float(c) + (1 - alpha) * 255 for c in match.groups()[:3]))
    return colours


def ring_contrast(page):
    return max((contrast(colour) for colour in focus_colours(page)), default=1)


def test_the_focus_ring_stands_out_on_white(site, browser):
    """WCAG 1.4.11: a link's and a button's focus ring have 3:1 against the white page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.goto(f"{site.base}/login")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand, a link
    assert page.evaluate("document.activeElement.classList.contains('brand')")
    assert ring_contrast(page) >= 3
    page.locator("#username").fill("x")
    page.locator("#password").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "submit"
    assert ring_contrast(page) >= 3
    context.close()


def test_the_quiz_clock_says_the_time_left_at_5_and_1_minutes(site, browser):
    """The countdown says nothing each second; at 5 minutes and at 1 minute left an alert says so,
    in the page's language, before the automatic hand-in."""
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="en-US")
    page = context.new_page()
    page.clock.install()
    page.goto(f"{site.base}/login")
    page.locator("#username").fill("learner01")
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("#submit").click()
    page.wait_for_load_state()
    attempt = dict(site.pages["learner"])["quiz-attempt"]
    page.goto(site.base + attempt)
    warning = page.locator("#time-warning")
    assert warning.get_attribute("role") == "alert"
    remaining = int(page.locator("#countdown").get_attribute("data-remaining"))
    assert remaining > 300 + 30
    page.clock.run_for(2000)
    assert warning.text_content() == ""
    page.clock.fast_forward((remaining - 302) * 1000)
    page.clock.run_for(3000)
    assert warning.text_content().startswith("5 minutes left.")
    page.clock.fast_forward(240 * 1000)
    page.clock.run_for(3000)
    assert warning.text_content() == (
        "1 minute left. When the time is up, your answers are handed in automatically."
    )
    assert "urgent" in page.locator("#countdown").get_attribute("class")
    context.close()  # before the time is up: the attempt stays open for the other tests


def test_a_new_inject_of_a_live_run_is_announced(site, browser):
    """The polled board is no live region; what is new in it is said in one beside it."""
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{site.base}/login")
    page.locator("#username").fill("learner01")
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("#submit").click()
    page.wait_for_load_state()
    page.goto(site.base + dict(site.pages["learner"])["exercise-live-play"])
    news = page.locator("#board-news")
    assert news.get_attribute("aria-live") == "polite" and news.text_content() == ""
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")
    teacher = site.app.test_client()
    assert Auth(teacher).login("teacher1", DEMO_PASSWORD).status_code == 302
    control = dict(site.pages["instructor"])["live-control"]
    persona = re.search(
        r'<select name="persona"><option value="([^"]+)"', teacher.get(control).text
    )
    sent = Auth(teacher).post(
        control + "/control",
        data={
            "command": "adhoc",
            "persona": persona.group(1),
            "channel": "news",
            "text": "现场记者：超市已补货。",
        },
    )
    assert sent.status_code == 302
    page.wait_for_function(
        "() => document.getElementById('board-news').textContent.includes('现场记者：超市已补货。')",
        timeout=8000,
    )
    assert news.text_content().startswith("新消息：")
    context.close()


def test_the_expected_and_actual_table_scrolls_by_keyboard(site, browser):
    """On a phone the after-action report's wide table scrolls in its box, which Tab reaches."""
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="en-US")
    page = context.new_page()
    page.goto(f"{site.base}/login")
    page.locator("#username").fill("learner01")
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("#submit").click()
    page.wait_for_load_state()
    page.goto(site.base + dict(site.pages["learner"])["exercise-report"])
    box = page.get_by_role("region", name="Expected and actual action")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "the box should do the scrolling"
    assert page_width(page) <= 360
    for _ in range(60):
        page.keyboard.press("Tab")
        if box.evaluate("b => b === document.activeElement"):
            break
    assert box.evaluate("b => b === document.activeElement")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0", timeout=3000)
    context.close()
