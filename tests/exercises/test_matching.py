"""Whose claim a keyword is: the table of matching.stance, in Chinese and English. A claim inside a
negation, a quotation, a report or a question is not the writer's; refuting it that way counts."""

import pytest

from courseware.exercises import matching
from courseware.exercises.matching import ASKED, NEGATED, OWN, QUOTED, REPORTED

REBUTTAL_FESTIVAL = "网上说桃花节“没花一分钱”，这个说法不对：县财政为桃花节支出约18万元"
REBUTTAL_ROAD = "有人说路已经修好了，实际上并没有：目前完成约六成"


@pytest.mark.parametrize(
    ("text", "keyword", "expected"),
    [
        # Plain claims are the writer's own.
        ("桃花节没花一分钱，请大家放心。", "没花一分钱", OWN),
        ("石门村的路已经修好了。", "路已经修好", OWN),
        ("盐要断供了，快去抢！", "盐要断供", OWN),
        ("吃碘盐不能防辐射。", "不能防辐射", OWN),  # a keyword that holds a negation itself
        ("省盐业公司正在不断补货。", "补货", OWN),  # 不断 negates nothing
        ("不少超市暂时断货，正在补货。", "暂时断货", OWN),
        ("未来两个月储备充足。", "储备充足", OWN),
        (REBUTTAL_FESTIVAL, "18万", OWN),
        (REBUTTAL_ROAD, "六成", OWN),
        # Negated, before or after.
        ("不是所有超市都有盐。", "所有超市都有盐", NEGATED),
        ("并非所有超市都有盐。", "所有超市都有盐", NEGATED),
        ("我们从未说过路已经修好。", "路已经修好", NEGATED),
        ("请大家不要相信盐要断供的谣言。", "盐要断供", NEGATED),
        ("碘盐能防辐射的说法没有科学依据。", "碘盐能防辐射", NEGATED),
        ("盐要断供纯属谣言。", "盐要断供", NEGATED),
        # The two rebuttals: reported or quoted, then refuted in the next clause.
        (REBUTTAL_FESTIVAL, "没花一分钱", NEGATED),
        (REBUTTAL_ROAD, "路已经修好", NEGATED),
        ("网传盐要断供，这是谣言。", "盐要断供", NEGATED),
        # Reported.
        ("网传盐要断供。", "盐要断供", REPORTED),
        ("听说路已经修好了。", "路已经修好", REPORTED),
        ("有人说：路已经修好了。", "路已经修好", REPORTED),
        ("所谓碘盐能防辐射，我们请专家解释。", "碘盐能防辐射", REPORTED),
        # Asked.
        ("碘盐能防辐射吗？", "碘盐能防辐射", ASKED),
        ("路已经修好了？", "路已经修好", ASKED),
        # Quoted.
        ("桃花节“没花一分钱”", "没花一分钱", QUOTED),
        ("「盐要断供」", "盐要断供", QUOTED),
        ("『路已经修好』", "路已经修好", QUOTED),
        # English.
        ("Every supermarket has salt.", "every supermarket has salt", OWN),
        ("The festival cost not a single cent.", "not a single cent", OWN),
        ("Salt doesn't protect against radiation.", "doesn't protect", OWN),
        ("Not only ample supply but stable prices.", "ample supply", OWN),
        ("It is not true that every supermarket has salt.", "every supermarket has salt", NEGATED),
        ("We never said the road is finished.", "road is finished", NEGATED),
        ("Nobody claims the road isn't finished.", "finished", NEGATED),
        ('The claim that "not a single cent" was spent is false.', "not a single cent", NEGATED),
        ("'Salt will run out' is a rumour.", "salt will run out", NEGATED),
        ("Salt will run out, which is false.", "salt will run out", NEGATED),
        ("Some claim iodised salt protects against radiation.", "salt protects", REPORTED),
        ("Rumour has it that the road is finished.", "road is finished", REPORTED),
        ("Does iodised salt protect against radiation?", "salt protect", ASKED),
        ("They wrote “the road is finished” on the sign.", "road is finished", QUOTED),
        ("It’s ‘every supermarket has salt’ they wrote.", "every supermarket has salt", QUOTED),
    ],
)
def test_stance(text, keyword, expected):
    found = [h for h in matching.hits(text, {"zh": [keyword], "en": [keyword]}) if h.word]
    assert found, "the keyword is in the text"
    assert {h.stance for h in found} == {expected}


FESTIVAL_FREE = {"zh": ["没花一分钱", "没花财政一分钱"], "en": ["not a single cent"]}
ROAD_FINE = {"zh": ["路已经修好", "已全面完工"], "en": ["road is finished"]}
SALT_RUNS_OUT = {"zh": ["盐要断供"], "en": ["salt will run out"]}


@pytest.mark.parametrize(
    ("text", "keywords", "claimed", "refuted"),
    [
        (REBUTTAL_FESTIVAL, FESTIVAL_FREE, [], True),
        (REBUTTAL_ROAD, ROAD_FINE, [], True),
        ("桃花节没花财政一分钱。", FESTIVAL_FREE, ["没花财政一分钱"], False),
        ("石门村的路已经修好了。", ROAD_FINE, ["路已经修好"], False),
        ("网传盐要断供，我们正在核实。", SALT_RUNS_OUT, [], False),  # reported, not refuted
        ("网传“盐要断供”，不会的：全省储备充足。", SALT_RUNS_OUT, [], True),
        ("盐要断供吗？", SALT_RUNS_OUT, [], False),  # a question refutes nothing
        # The claim's own negation is no refutation of it.
        ("网传“桃花节没有花政府的钱”。", {"zh": ["没有花政府的钱"]}, [], False),
        ("网传“桃花节没有花政府的钱”，不是这样的。", {"zh": ["没有花政府的钱"]}, [], True),
        ("Some say salt will run out. That is not true.", SALT_RUNS_OUT, [], True),
        ("Salt will run out.", SALT_RUNS_OUT, ["salt will run out"], False),
    ],
)
def test_claims_and_refutations(text, keywords, claimed, refuted):
    assert matching.claims_in(text, keywords) == claimed
    assert matching.refutes(text, keywords) is refuted


def test_a_fact_quoted_from_a_source_is_stated_but_not_when_negated_or_asked():
    price = {"zh": ["价格不变"], "en": ["price unchanged"]}
    counted = (OWN, QUOTED, REPORTED)
    assert matching.claims_in("省物价局通知：“价格不变”。", price, counted) == ["价格不变"]
    assert matching.claims_in("省物价局通知：“价格不变”。", price) == []
    assert matching.claims_in("并不是价格不变。", price, counted) == []
    assert matching.claims_in("价格不变吗？", price, counted) == []


def test_english_keywords_start_a_word_and_may_be_stems():
    cases = {"zh": [], "en": ["37 cases", "restock"]}
    assert matching.claims_in("There were 137 cases.", cases) == []
    assert matching.claims_in("There were 37 cases; shops are restocked.", cases) == [
        "37 cases",
        "restock",
    ]


def test_full_width_and_case_are_folded():
    assert matching.claims_in("ＳＡＬＴ WILL RUN OUT！", SALT_RUNS_OUT) == ["salt will run out"]
    assert matching.claims_in("180,000 yuan, not 180,000 cents", {"en": ["180,000"]}) == ["180,000"]
