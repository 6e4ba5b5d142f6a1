"""Draw the figures of the course 微博与领导工作 as PNG files, in Chinese and in English.

    /work/main/.venv/bin/python docs/figures/microblogging_figures.py

writes lessons/microblogging-and-leadership/media/{timeline,two-kinds-of-accounts,
good-and-bad-reply}.{zh,en}.png. The lessons serve raster images only (SVG can carry script), so
the figures are drawn with Pillow; every fact in them comes from the People's Daily report of
30 August 2011, and the replies in the third figure are an invented example, labelled as such.
The figures are tall and narrow so that their text stays readable on a phone; the lessons give
each one an alt text that says all it shows.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[2]
MEDIA = ROOT / "lessons" / "microblogging-and-leadership" / "media"
FONT_DIR = Path("/usr/share/fonts/opentype/noto")
SC = 2  # the Simplified Chinese face in the Noto Sans CJK collection
# English in a Latin face: the CJK face sets quotation marks full width.
LATIN_DIR = Path("/usr/share/fonts/truetype/dejavu")

WIDTH = 800
MARGIN = 40
INK = (33, 37, 41)
MUTED = (90, 98, 106)
LINE = (173, 181, 189)
ACCENT = (16, 98, 158)
GOOD = (25, 111, 61)
BAD = (176, 42, 55)
GOOD_BG = (232, 245, 236)
BAD_BG = (251, 234, 236)
PANEL = (241, 245, 249)


LANGUAGE = "zh"  # the language being drawn; set by main()


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    if LANGUAGE == "en":
        name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
        return ImageFont.truetype(str(LATIN_DIR / name), round(size * 0.9))
    name = "NotoSansCJK-Bold.ttc" if bold else "NotoSansCJK-Regular.ttc"
    return ImageFont.truetype(str(FONT_DIR / name), size, index=SC)


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Break text into lines no wider than `width`: English between words, Chinese anywhere but
    never before closing punctuation."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        tokens = _tokens(paragraph)
        line = ""
        for token in tokens:
            candidate = line + token
            if line and face.getlength(candidate.rstrip()) > width:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line = candidate
        lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    """Words with their following space for English; single characters for Chinese. Closing
    punctuation stays with what comes before it, opening punctuation with what follows."""
    tokens: list[str] = []
    word, opening = "", ""
    for ch in text:
        if ch.isascii() and not ch.isspace():
            word += ch
            continue
        if word:
            tokens.append(opening + word)
            word, opening = "", ""
        if ch.isspace():
            if tokens:
                tokens[-1] += ch
        elif ch in "“‘《（":
            opening += ch
        elif ch in "，。；：、！？）”’》" and tokens and not opening:
            tokens[-1] += ch
        elif ch in "”’" and word == "" and opening:
            opening += ch
        else:
            tokens.append(opening + ch)
            opening = ""
    if word or opening:
        tokens.append(opening + word)
    return tokens


@dataclass
class Canvas:
    """A white page that grows downwards as things are drawn on it."""

    image: Image.Image
    y: int = MARGIN

    @classmethod
    def new(cls, height: int = 4000) -> Canvas:
        return cls(Image.new("RGB", (WIDTH, height), "white"))

    @property
    def draw(self) -> ImageDraw.ImageDraw:
        return ImageDraw.Draw(self.image)

    def text(self, text, face, x=MARGIN, width=WIDTH - 2 * MARGIN, fill=INK, gap=8) -> int:
        """Draw wrapped text at the current height; return its height."""
        top = self.y
        for line in wrap(text, face, width):
            self.draw.text((x, self.y), line, font=face, fill=fill)
            self.y += int(face.size * 1.35) + gap // 2
        return self.y - top

    def crop(self) -> Image.Image:
        return self.image.crop((0, 0, WIDTH, self.y + MARGIN))


def measure(text: str, face, width: int, gap: int = 8) -> int:
    return len(wrap(text, face, width)) * (int(face.size * 1.35) + gap // 2)


# --- the timeline ------------------------------------------------------------------------------

TIMELINE = {
    "zh": {
        "title": "文章写到的事件（2009—2011年）",
        "events": [
            ("2009年", "国内各大门户网站的微博测试版上线"),
            ("2010年下半年", "北京市委党校开始为一些干部补习微博、MSN等新媒体技能"),
            ("2011年以来", "政务微博呈爆发式增长（人民网舆情监测室《政务微博地图》）"),
            ("2011年", "浙江省委党校把“微博与领导工作”列为官员脱产学习班的必修课"),
            (
                "2011年3月",
                "日本地震后的“抢盐风潮”：网友在微博上向蔡奇反映，时任浙江省副省长郑继伟回复“已部署”",
            ),
            (
                "2011年6月以来",
                "黑龙江发生百余起入室盗窃案件，省公安厅用微博报道、查缉案犯、发布警方提示信息",
            ),
            (
                "2011年8月25日",
                "杭州，首届“政务微博与社会管理创新高峰论坛”；刘五一发出微博“早讲话，会讲话，讲实话”",
            ),
            ("2011年8月30日", "《人民日报》刊发《“微政务”创新社会管理》"),
        ],
        "source": "资料来源：《人民日报》2011年8月30日。职务均为时任职务。",
    },
    "en": {
        "title": "Events in the article, 2009–2011",
        "events": [
            ("2009", "China's major web portals launch beta versions of their microblogs"),
            (
                "2nd half of 2010",
                "The Beijing Municipal Party School begins teaching some cadres new-media skills, including microblogs and MSN",
            ),
            (
                "Since 2011",
                "Government microblogs grow explosively (the “Map of Government Microblogs”, People's Daily Online)",
            ),
            (
                "2011",
                "The Zhejiang Provincial Party School makes “Microblogging and Leadership Work” a compulsory course for officials in full-time training classes",
            ),
            (
                "March 2011",
                "Salt-buying panic after the earthquake in Japan: an internet user writes to Cai Qi; Zheng Jiwei, then vice governor of Zhejiang, replies “arrangements made”",
            ),
            (
                "Since June 2011",
                "More than a hundred burglaries in Heilongjiang; the provincial Public Security Department reports, hunts suspects and issues police advice by microblog",
            ),
            (
                "25 August 2011",
                "Hangzhou: the first summit forum on government microblogs; Liu Wuyi posts “speak early, speak well, speak truthfully”",
            ),
            (
                "30 August 2011",
                "People's Daily publishes the report “‘Micro-government’ brings innovation to social management”",
            ),
        ],
        "source": "Source: People's Daily, 30 August 2011. Offices are those held at the time.",
    },
}


def timeline(language: str) -> Image.Image:
    data = TIMELINE[language]
    canvas = Canvas.new()
    canvas.text(data["title"], font(36, bold=True))
    canvas.y += 24
    date_face, event_face = font(28, bold=True), font(28)
    line_x = MARGIN + 14
    text_x = MARGIN + 50
    width = WIDTH - text_x - MARGIN
    start = canvas.y
    for date, event in data["events"]:
        canvas.text(date, date_face, x=text_x, width=width, fill=ACCENT)
        canvas.text(event, event_face, x=text_x, width=width)
        canvas.y += 22
    canvas.draw.line((line_x, start + 20, line_x, canvas.y - 40), fill=LINE, width=4)
    # The dots go over the line, one beside each date.
    y = start
    for date, event in data["events"]:
        canvas.draw.ellipse((line_x - 11, y + 8, line_x + 11, y + 30), fill=ACCENT)
        y += measure(date, date_face, width) + measure(event, event_face, width) + 22
    canvas.y += 8
    canvas.text(data["source"], font(22), fill=MUTED)
    return canvas.crop()


# --- the two kinds of accounts -----------------------------------------------------------------

ACCOUNTS = {
    "zh": {
        "title": "两类政务微博",
        "kinds": [
            (
                "政务机构微博",
                "由各级党政机关开设",
                "“十大政务机构微博排行榜”榜首：广东省公安厅",
            ),
            (
                "公务人员微博",
                "由官员本人开设",
                "“十大公务人员微博排行榜”榜首：蔡奇（时任浙江省委常委、组织部部长）",
            ),
        ],
        "both": "两个榜首账号的听众均在百万以上",
        "total": "听众在10万以上的党政机构和公务人员微博：689个",
        "source": "资料来源：《人民日报》2011年8月30日；排行榜由人民网舆情监测室发布。",
    },
    "en": {
        "title": "Two kinds of government microblog",
        "kinds": [
            (
                "Government institution microblogs",
                "Opened by Party and government bodies at every level",
                "Top of the “Top Ten Government Institution Microblogs”: the Guangdong Provincial Public Security Department",
            ),
            (
                "Public servant microblogs",
                "Opened by officials in person",
                "Top of the “Top Ten Public Servant Microblogs”: Cai Qi (then a member of the Standing Committee of the Zhejiang Provincial Party Committee and head of its Organisation Department)",
            ),
        ],
        "both": "Both leading accounts had more than a million followers",
        "total": "Accounts of Party and government bodies and public servants with more than 100,000 followers: 689",
        "source": "Source: People's Daily, 30 August 2011; rankings by the People's Daily Online Public Opinion Monitoring Office.",
    },
}


def two_kinds(language: str) -> Image.Image:
    data = ACCOUNTS[language]
    canvas = Canvas.new()
    canvas.text(data["title"], font(36, bold=True))
    canvas.y += 24
    inner = WIDTH - 2 * MARGIN - 48
    for name, who, top in data["kinds"]:
        height = (
            measure(name, font(32, bold=True), inner)
            + measure(who, font(28), inner)
            + measure(top, font(28), inner)
            + 56
        )
        box = (MARGIN, canvas.y, WIDTH - MARGIN, canvas.y + height)
        canvas.draw.rounded_rectangle(box, radius=16, fill=PANEL, outline=ACCENT, width=3)
        canvas.y += 24
        canvas.text(name, font(32, bold=True), x=MARGIN + 24, width=inner, fill=ACCENT)
        canvas.y += 4
        canvas.text(who, font(28), x=MARGIN + 24, width=inner)
        canvas.text(top, font(28), x=MARGIN + 24, width=inner)
        canvas.y = box[3] + 24
    canvas.text(data["both"], font(28, bold=True))
    canvas.y += 8
    canvas.text(data["total"], font(28, bold=True))
    canvas.y += 16
    canvas.text(data["source"], font(22), fill=MUTED)
    return canvas.crop()


# --- a good and a bad reply --------------------------------------------------------------------

REPLIES = {
    "zh": {
        "title": "一条回复的两种写法",
        "note": "虚构示例，不是文章中的事实",
        "question_label": "网友提问",
        "question": "超市的盐被抢光了，到底怎么回事？有没有人管？",
        "replies": [
            (
                False,
                "× 不好的回复 · 第二天才发出",
                "全省所有超市都有盐，从未断货。请勿信谣传谣，其他情况无可奉告。",
                [
                    ("早讲话", "× 第二天才回应，空白已被猜测填满"),
                    ("会讲话", "× “无可奉告”是官腔，没有下一步"),
                    ("讲实话", "× “从未断货”与部分超市暂时断货的实情不符"),
                ],
            ),
            (
                True,
                "✓ 好的回复 · 30分钟内发出",
                "理解大家着急。已向省盐业公司核实：全省食盐储备充足；部分超市因集中购买暂时断货，"
                "正在补货。吃碘盐不能防辐射，请不必囤盐。下午3点前再通报补货进展。",
                [
                    ("早讲话", "✓ 30分钟内先把核实过的情况讲出来"),
                    ("会讲话", "✓ 语气平实、有温度，说清下一步"),
                    ("讲实话", "✓ 讲事实，也承认部分超市暂时断货"),
                ],
            ),
        ],
    },
    "en": {
        "title": "Two ways to write one reply",
        "note": "An invented example, not a fact from the article",
        "question_label": "An internet user asks",
        "question": "The salt in the supermarkets has all been snapped up. What is going on? Is anyone dealing with it?",
        "replies": [
            (
                False,
                "× Poor reply · posted the next day",
                "Every supermarket in the province has salt and has never run out. Do not believe or spread rumours; we have no further comment.",
                [
                    ("Early", "× A day late: guesswork has filled the silence"),
                    ("Well", "× “No further comment” is official-speak, with no next step"),
                    ("Truthful", "× “Never run out” contradicts the brief shortages in some shops"),
                ],
            ),
            (
                True,
                "✓ Good reply · posted within 30 minutes",
                "We understand you are worried. We have checked with the provincial salt company: "
                "the province's salt reserves are ample; some supermarkets have briefly sold out "
                "because of heavy buying and are being restocked. Eating iodised salt does not "
                "protect against radiation, so there is no need to stock up. We will report on "
                "restocking again before 3 p.m.",
                [
                    ("Early", "✓ Within 30 minutes, with what has been checked"),
                    ("Well", "✓ Plain and warm, with a next step"),
                    ("Truthful", "✓ States the facts and admits the brief shortages"),
                ],
            ),
        ],
    },
}


def good_and_bad(language: str) -> Image.Image:
    data = REPLIES[language]
    canvas = Canvas.new()
    canvas.text(data["title"], font(36, bold=True))
    canvas.text(data["note"], font(24), fill=MUTED)
    canvas.y += 16
    inner = WIDTH - 2 * MARGIN - 48
    height = measure(data["question_label"], font(24), inner) + measure(
        data["question"], font(28), inner
    )
    box = (MARGIN, canvas.y, WIDTH - MARGIN, canvas.y + height + 40)
    canvas.draw.rounded_rectangle(box, radius=16, fill=PANEL, outline=LINE, width=2)
    canvas.y += 20
    canvas.text(data["question_label"], font(24), x=MARGIN + 24, width=inner, fill=MUTED)
    canvas.text(data["question"], font(28), x=MARGIN + 24, width=inner)
    canvas.y = box[3] + 24
    label_width = 130 if language == "zh" else 140
    for good, heading, reply, verdicts in data["replies"]:
        colour, background = (GOOD, GOOD_BG) if good else (BAD, BAD_BG)
        height = (
            measure(heading, font(28, bold=True), inner)
            + measure(reply, font(28), inner)
            + sum(measure(v, font(24), inner - label_width) + 4 for _, v in verdicts)
            + 72
        )
        box = (MARGIN, canvas.y, WIDTH - MARGIN, canvas.y + height)
        canvas.draw.rounded_rectangle(box, radius=16, fill=background, outline=colour, width=4)
        canvas.y += 20
        canvas.text(heading, font(28, bold=True), x=MARGIN + 24, width=inner, fill=colour)
        canvas.y += 4
        canvas.text(reply, font(28), x=MARGIN + 24, width=inner)
        canvas.y += 16
        for name, verdict in verdicts:
            top = canvas.y
            canvas.draw.text((MARGIN + 24, top), name, font=font(24, bold=True), fill=colour)
            canvas.text(verdict, font(24), x=MARGIN + 24 + label_width, width=inner - label_width)
            canvas.y += 4
        canvas.y = box[3] + 24
    return canvas.crop()


FIGURES = {
    "timeline": timeline,
    "two-kinds-of-accounts": two_kinds,
    "good-and-bad-reply": good_and_bad,
}


def main(folder: Path = MEDIA) -> list[Path]:
    """Write every figure in both languages into `folder`; return the files."""
    folder.mkdir(parents=True, exist_ok=True)
    global LANGUAGE
    written = []
    for name, draw in FIGURES.items():
        for language in ("zh", "en"):
            LANGUAGE = language
            path = folder / f"{name}.{language}.png"
            draw(language).save(path, optimize=True)
            written.append(path)
    return written


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else MEDIA):
        print(path.relative_to(ROOT) if ROOT in path.parents else path)
