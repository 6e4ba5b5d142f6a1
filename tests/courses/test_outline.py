"""The outline as a list of [kind, slug]: moves, insertions and whole new orders."""

import pytest

from courseware.courses import outline

ITEMS = [["lesson", "a"], ["quiz", "q"], ["lesson", "b"]]


@pytest.mark.parametrize(
    ("item", "steps", "expected"),
    [
        (("lesson", "b"), -1, ["a", "b", "q"]),
        (("lesson", "a"), -1, ["a", "q", "b"]),  # at the top it stays
        (("lesson", "b"), 1, ["a", "q", "b"]),  # at the bottom too
        (("lesson", "a"), 2, ["q", "b", "a"]),
    ],
)
def test_move(item, steps, expected):
    assert [slug for _, slug in outline.move(ITEMS, *item, steps)] == expected


def test_insert_after_an_item_at_the_start_and_at_the_end():
    assert outline.insert(ITEMS, "lesson", "n", ("quiz", "q"))[2] == ["lesson", "n"]
    assert outline.insert(ITEMS, "lesson", "n", None)[0] == ["lesson", "n"]
    assert outline.append(ITEMS, "lesson", "n")[-1] == ["lesson", "n"]
    assert outline.append(ITEMS, "lesson", "a") == ITEMS
    with pytest.raises(outline.OutlineError):
        outline.insert(ITEMS, "lesson", "n", ("lesson", "missing"))


def test_a_new_order_must_hold_every_item_once():
    order = [("lesson", "b"), ("lesson", "a"), ("quiz", "q")]
    assert outline.reorder(ITEMS, order) == [list(i) for i in order]
    for bad in (
        order[:2],
        order + [("lesson", "a")],
        [("lesson", "b"), ("lesson", "a"), ("quiz", "x")],
    ):
        with pytest.raises(outline.OutlineError):
            outline.reorder(ITEMS, bad)


def test_remove_and_item_keys():
    assert outline.remove(ITEMS, "quiz", "q") == [["lesson", "a"], ["lesson", "b"]]
    assert outline.parse_item_key(outline.item_key("exercise", "salt-panic")) == (
        "exercise",
        "salt-panic",
    )
    assert outline.parse_item_key("video:x") is None and outline.parse_item_key("lesson:") is None
