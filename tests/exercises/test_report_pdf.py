"""The after-action report as a PDF (a trainee's own, and a live class's with every team), and an
improvement plan that quotes whole sentences without doubled punctuation."""

import re
from pathlib import Path

import pytest

from courseware.exercises import engine, messages
from courseware.exercises.files import load_scenario_file
from tests.conftest import Auth, csrf_token, make_app
from tests.exercises.conftest import SALT_PANIC
from tests.exercises.test_live_classroom import command, live_class, signed_in  # noqa: F401
from tests.exercises.test_observation import observed  # noqa: F401
from tests.exercises.test_runs import act, IDEAL, start_run
from tests.pdfread import pdf_lines

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def pdf_text(data: bytes) -> str:
    """The text the report draws, its wrapped lines joined again."""
    return "".join(pdf_lines(data))


def keep(data: bytes, name: str) -> None:
    """Keep a PDF beside the browser tests' screenshots, for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / name).write_bytes(data)


@pytest.mark.parametrize(
    ("source", "limit", "quoted"),
    [
        (
            "盐业公司的补货车已经出发。有同志建议在微博上直播补货、逐市公布到货时间；也有同志主张等明天上午的新闻发布会统一发布，免得说错。",
            80,
            "盐业公司的补货车已经出发。有同志建议在微博上直播补货、逐市公布到货时间；也有同志主张等明天上午的新闻发布会统一发布，免得说错。",
        ),
        (
            "盐业公司的补货车已经出发。有同志建议在微博上直播补货、逐市公布到货时间；也有同志主张等明天上午的新闻发布会统一发布，免得说错。",
            40,
            "盐业公司的补货车已经出发……",
        ),
        ("超市的盐被抢光了！到底怎么回事？", 10, "超市的盐被抢光了！……"),
        ("他说：“好。”然后走了。", 80, "他说：“好。”然后走了。"),
        (
            "A very long first sentence that goes on. Second.",
            10,
            "A very long first sentence that goes on …",
        ),
        ("Short. And more.", 80, "Short. And more."),
    ],
)
def test_an_excerpt_is_whole_sentences(source, limit, quoted):
    assert messages.excerpt(source, limit) == quoted


@pytest.mark.parametrize(
    ("source", "item"),
    [
        (
            "声称全省所有超市都有盐、从未断货（与部分超市暂时断货的事实不符）。",
            "声称全省所有超市都有盐、从未断货（与部分超市暂时断货的事实不符）",
        ),
        ("价格不变；", "价格不变"),
        ("Prices are stable.", "Prices are stable"),
        ("真的吗？", "真的吗？"),
    ],
)
def test_a_list_item_leaves_its_full_stop_to_the_sentence(source, item):
    assert messages.clause(source) == item


@pytest.fixture(scope="module")
def plain_app():
    return make_app("sqlite://")


DOUBLED = re.compile(r"[。；;.][。；]|。\.|[，,]。")


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_the_improvement_plan_quotes_whole_sentences_without_doubled_punctuation(plain_app, locale):
    """A run that claims what the facts contradict and then lets the clock run past the question of
    how to publish: the plan names the claim and quotes the vice governor in full."""
    scenario, problems = load_scenario_file(SALT_PANIC)
    assert problems == []
    actions = [
        engine.Action("post", text="请放心，所有超市都有盐，储备够吃好几年。"),
        engine.Action("wait", minutes=240),
    ]
    state = engine.run(scenario, 7, actions)
    plan = engine.scores(scenario, state).plan
    with plain_app.test_request_context(headers={"Accept-Language": locale}):
        said = [messages.say(messages.PLAN, code, params, scenario) for code, params in plan]
    joined = "\n".join(said)
    for line in said:
        assert not DOUBLED.search(line), line
    if locale == "zh":
        assert (
            "分管副省长：“盐业公司的补货车已经出发。有同志建议在微博上直播补货、逐市公布到货时间；也有同志主张等明天上午的新闻发布会统一发布，免得说错”"
            in joined
        )
        assert "免得。" not in joined
        assert (
            "与部分超市暂时断货的事实不符）；" in joined
            or "与部分超市暂时断货的事实不符）。" in joined
        )
    else:
        assert "The vice governor in charge: “The salt company's lorries are on their way" in joined


def test_a_learner_downloads_their_report_as_a_pdf(app, client, auth, make_user, exercise_course):
    make_user(username="reader", name="Reader", locale="en")
    assert auth.login("reader").status_code == 302
    run_id = start_run(auth)
    assert act(client, run_id, kind="post", text=IDEAL).status_code == 302
    client.post(
        f"/exercises/runs/{run_id}/finish",
        data={"csrf_token": csrf_token(client, f"/exercises/runs/{run_id}")},
    )
    report = client.get(f"/exercises/runs/{run_id}/report").get_data(as_text=True)
    assert f'href="/exercises/runs/{run_id}/report.pdf"' in report
    response = client.get(f"/exercises/runs/{run_id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert (
        response.headers["Content-Disposition"] == f"attachment; filename=exercise-run-{run_id}.pdf"
    )
    assert response.data.startswith(b"%PDF")
    keep(response.data, "exercise-report-en.pdf")
    text = pdf_text(response.data)
    for expected in (
        "After-action report: Drill: salt",
        "Reader",
        "Improvement plan",
        "Expected and actual action",
        "Timeline replayed",
        "Debrief",
        IDEAL,  # the post, in Chinese, set in the CID font
    ):
        assert expected in text, expected
    # Nobody else's.
    make_user(username="other")
    other = app.test_client()
    assert Auth(other).login("other").status_code == 302
    assert other.get(f"/exercises/runs/{run_id}/report.pdf").status_code == 404


def test_a_live_class_report_pdf_has_every_team_and_the_observers(app, make_user, observed):  # noqa: F811
    base, run_id = observed["base"], observed["run"]
    command(observed, "start")
    anna = signed_in(app, "anna")
    act(anna, run_id, kind="post", text=IDEAL)
    wang = signed_in(app, "wang")
    Auth(wang).post(f"{base}/teams/{run_id}/ratings", data={"rating-public-information": "P"})
    Auth(wang).post(
        f"{base}/notes", data={"text": "发布及时，语气平和。", "inject": "i1", "team": ""}
    )
    command(observed, "finish")
    response = wang.get(f"{base}/report.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    keep(response.data, "exercise-class-report-zh.pdf")
    text = pdf_text(response.data)
    for expected in (
        "第 1 组",
        "Anna",
        "观察员评分",
        "公共信息与预警",
        "4 (P)",
        "发布及时，语气平和。",
        IDEAL,
    ):
        assert expected in text, expected
    assert signed_in(app, "qian").get(f"{base}/report.pdf").status_code == 404
    # The team's own PDF, for its members.
    own = pdf_text(anna.get(f"/exercises/runs/{run_id}/report.pdf").data)
    assert "Team 1 (Anna" in own and "Observers' ratings" in own
