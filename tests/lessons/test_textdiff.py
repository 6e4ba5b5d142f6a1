"""The diff an author reads: changed words marked in their lines, Chinese by character runs."""

from courseware.content.textdiff import Block, diff_text, Segment, word_diff


def marked(segments) -> str:
    signs = {"same": "{}", "removed": "[-{}-]", "added": "{{+{}+}}"}
    return "".join(signs[s.kind].format(s.text) for s in segments)


def test_chinese_is_compared_by_character_runs_without_spaces():
    assert marked(word_diff("政务微博要早讲话、会讲话。", "政务微博必须早讲话、讲实话。")) == (
        "政务微博[-要-]{+必须+}早讲话、[-会讲-]{+讲实+}话。"
    )


def test_english_is_compared_by_words():
    assert marked(word_diff("The quick brown fox.", "The slow red fox jumps.")) == (
        "The [-quick brown-]{+slow red+} fox{+ jumps+}."
    )


def test_unchanged_lines_far_from_a_change_are_folded():
    old = "\n".join(f"第{i}行" for i in range(1, 21))
    new = old.replace("第10行", "第十行")
    blocks = diff_text(old, new)
    assert [b.kind for b in blocks] == ["skipped", "same", "changed", "same", "skipped"]
    assert blocks[0].skipped == 7 and blocks[-1].skipped == 8
    assert blocks[2] == Block(
        "changed",
        (
            Segment("same", "第"),
            Segment("removed", "10"),
            Segment("added", "十"),
            Segment("same", "行"),
        ),
    )


def test_the_same_text_has_no_blocks_and_added_lines_are_whole():
    assert diff_text("同一段。", "同一段。") == []
    blocks = diff_text("一", "一\n二")
    assert blocks[-1].kind == "changed" and marked(blocks[-1].segments) == "{+二+}"
