"""A diff a reader can follow: changed words marked inside their lines, unchanged stretches folded.

Lines are compared first; inside a changed stretch the words are compared. Chinese has no spaces
between words, so each Chinese character is a word of its own, and runs of them that did not
change stay together; English words, numbers, spaces and punctuation are words as usual.
Nothing here touches Flask.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
# One Chinese character (or full-width mark); a run of other word characters; a run of spaces;
# any other single character.
TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+|\s+|.", re.DOTALL)


@dataclass(frozen=True)
class Segment:
    kind: str  # same | added | removed
    text: str


@dataclass(frozen=True)
class Block:
    """A stretch of the compared text: unchanged lines, a changed stretch with its words marked,
    or unchanged lines folded away (`skipped` of them)."""

    kind: str  # same | changed | skipped
    segments: tuple[Segment, ...] = ()
    skipped: int = 0


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def _merge(segments: list[Segment]) -> tuple[Segment, ...]:
    merged: list[Segment] = []
    for segment in segments:
        if not segment.text:
            continue
        if merged and merged[-1].kind == segment.kind:
            merged[-1] = Segment(segment.kind, merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return tuple(merged)


# An unchanged stretch this short between two changes is read as part of one change: "会讲话" →
# "讲实话" reads better as 会讲 → 讲实 than as three one-character edits.
SHORT = 2


def word_diff(old: str, new: str) -> tuple[Segment, ...]:
    """The words of `new` against `old`: unchanged, added and removed runs in reading order."""
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    # Runs: ["same", text] or ["change", old text, new text].
    runs: list[list] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(["same", "".join(a[i1:i2])])
        else:
            runs.append(["change", "".join(a[i1:i2]), "".join(b[j1:j2])])
    merged: list[list] = []
    for run in runs:
        if (
            run[0] == "change"
            and len(merged) >= 2
            and merged[-1][0] == "same"
            and len(merged[-1][1]) <= SHORT
            and "\n" not in merged[-1][1]
            and merged[-2][0] == "change"
        ):
            short = merged.pop()[1]
            merged[-1][1] += short + run[1]
            merged[-1][2] += short + run[2]
        elif run[0] == "change" and merged and merged[-1][0] == "change":
            merged[-1][1] += run[1]
            merged[-1][2] += run[2]
        else:
            merged.append(run)
    segments = []
    for run in merged:
        if run[0] == "same":
            segments.append(Segment("same", run[1]))
        else:
            segments += [Segment("removed", run[1]), Segment("added", run[2])]
    return _merge(segments)


def _same_blocks(lines: list[str], context: int, first: bool, last: bool) -> list[Block]:
    """Unchanged lines: a few kept next to each change, the rest folded."""
    keep_before = 0 if first else context
    keep_after = 0 if last else context
    if len(lines) <= keep_before + keep_after + 1:
        return [Block("same", (Segment("same", "\n".join(lines)),))] if lines else []
    blocks = []
    if keep_before:
        blocks.append(Block("same", (Segment("same", "\n".join(lines[:keep_before])),)))
    blocks.append(Block("skipped", skipped=len(lines) - keep_before - keep_after))
    if keep_after:
        blocks.append(Block("same", (Segment("same", "\n".join(lines[-keep_after:])),)))
    return blocks


def diff_text(old: str, new: str, context: int = 2) -> list[Block]:
    """Compare two texts; an empty list when they are the same."""
    if old == new:
        return []
    a, b = old.split("\n"), new.split("\n")
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    blocks: list[Block] = []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            blocks += _same_blocks(a[i1:i2], context, index == 0, index == len(opcodes) - 1)
        else:
            blocks.append(Block("changed", word_diff("\n".join(a[i1:i2]), "\n".join(b[j1:j2]))))
    return blocks
