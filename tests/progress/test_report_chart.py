"""The completions chart on the reports page: axes, each month named with its year, each bar's
count, and the same figures in a table, in the reader's language."""

import re

import pytest

from tests.progress.test_reports import english_admin, organisation  # noqa: F401  (fixtures)


def chart_of(page: str) -> str:
    return page.split('<svg viewBox="0 0', 1)[1].split("</svg>")[0]


@pytest.mark.parametrize(
    "reader,months,axis,figures",
    [
        (
            "admin",
            ["2026年2月", "2026年3月", "2026年4月", "2026年5月"],
            ["完成人数", "月份"],
            "2026年2月至2026年5月每月完成人数",
        ),
        (
            "english_admin",
            ["Feb 2026", "Mar 2026", "Apr 2026", "May 2026"],
            ["Completions", "Month"],
            "from Feb 2026 to May 2026",
        ),
    ],
)
def test_the_chart_has_axes_months_with_years_and_counts(
    request, client, organisation, reader, months, axis, figures
):  # noqa: F811
    request.getfixturevalue(reader)
    page = client.get("/reports/").get_data(as_text=True)
    chart = chart_of(page)
    assert 'role="img" aria-labelledby="months-heading months-desc"' in chart
    assert figures in chart.split("<desc")[1].split("</desc>")[0]
    labels = re.findall(r'class="bar-label">([^<]+)</text>', chart)
    assert [label for label in labels if not label.isdigit()] == months
    assert [label for label in labels if label.isdigit()] == ["0", "1"]  # the count axis
    # Every month from the first to the last is on the axis, the empty ones at 0.
    assert re.findall(r'class="bar-count">(\d+)</text>', chart) == ["1", "0", "0", "1"]
    assert all(f'class="axis-title">{title}</text>' in chart for title in axis)
    assert chart.count('class="axis"') >= 3  # two axes and their ticks
    # The chart's box scrolls on a phone and is reachable by keyboard; the table gives the figures.
    assert re.search(
        r'<div class="table-wrap" tabindex="0" role="region" aria-labelledby="months-heading">\s*<svg',
        page,
    )
    for month, count in zip(months, [1, 0, 0, 1]):
        assert f'<tr><th scope="row">{month}</th><td>{count}</td></tr>' in page
    assert f'<th scope="col">{axis[1]}</th><th scope="col">{axis[0]}</th>' in page
