"""The public verification page: anyone with the code sees name, course, date and validity, no more."""

import pytest

from courseware.certificates.records import display_code, normalise_code

EN = {"Accept-Language": "en"}


def test_verify_shows_only_name_course_date_and_validity(client, certified):
    response = client.get(f"/verify/{certified.code}", headers=EN)
    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"] == "noindex"
    page = response.get_data(as_text=True)
    assert "This certificate is valid." in page
    assert "张伟" in page
    assert "Test course" in page
    assert display_code(certified.code) in page
    # Not the unit, not the account, not the 学时.
    assert "杭州市" not in page and "浙江省" not in page
    assert "zhangwei77" not in page
    assert "学时" not in page


def test_an_unknown_code_is_a_404_with_a_message(client, certified):
    response = client.get("/verify/ABCDABCDABCD", headers=EN)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "No certificate has this code" in page
    assert "张伟" not in page
    # The form is there to try again.
    assert 'name="code"' in page


def test_the_bare_page_is_a_form(client):
    response = client.get("/verify", headers=EN)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'name="code"' in page and "No certificate" not in page


def test_an_empty_code_asks_for_one(client):
    response = client.get("/verify?code=+-+", headers=EN)
    assert response.status_code == 200
    assert "Enter the code printed on the certificate." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("ABCDEFGHJKMN", "ABCDEFGHJKMN"),
        ("abcd-efgh-jkmn", "ABCDEFGHJKMN"),
        ("  abcd efgh\tjkmn ", "ABCDEFGHJKMN"),
        ("ＡＢＣＤ－ＥＦＧＨ－ＪＫＭＮ", "ABCDEFGHJKMN"),  # full-width, from a Chinese input method
        ("abcd—efgh.jkmn", "ABCDEFGHJKMN"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_code(typed, expected):
    assert normalise_code(typed) == expected


def spaced(code):
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4)).lower()


def test_the_form_takes_the_code_however_it_is_typed(client, certified):
    typed = "-" + spaced(certified.code) + " "
    response = client.get("/verify", query_string={"code": typed})
    assert response.status_code == 302
    assert response.location.endswith(f"/verify/{certified.code}")
    assert client.get(response.location, headers=EN).status_code == 200


def test_a_typed_code_in_the_address_works_too(client, certified):
    response = client.get(f"/verify/{display_code(certified.code).lower()}", headers=EN)
    assert response.status_code == 200
    assert "This certificate is valid." in response.get_data(as_text=True)
