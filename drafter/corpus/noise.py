"""Removing web noise from a normalised document and classifying the lines that remain.

Noise is recognised by its form, never by knowing a site: navigation and breadcrumbs, page
toolbars (下载 打印 【字号：加大 还原 减小】), lists of related articles, paid-content markers,
editor/author/copyright notes, photo captions (…记者 某某 摄), licence footers (public-domain
notices), appendices (附件, 名词解释), advertisements and contact lines, stray numbers, and
paragraphs that repeat (wholly or as a sentence-aligned part of another).

Before lines are classified, lines that a scraper broke apart are joined again (see ``rejoin``):
a link's text on a line of its own inside a sentence, a bracketed toolbar spread over lines, a
breadcrumb with its ">" on lines of their own, a label ("来源：") and its value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from drafter.text.normalize import fold_normalized
from drafter.text.sentences import split_sentences

_CJK = re.compile(r"[\u3400-\u9fff]")
_MARKER = re.compile(r"#{2,}\s*[A-Za-z_]+\s*#{2,}|\[/?(?:paid|vip|hide|free)[a-z]*\]", re.I)
_NAV_WORDS = re.compile(
    r"首页|网站地图|设为首页|加入收藏|返回顶部|返回首页|登录|注册|English|无障碍|手机版|客户端"
)
_BREADCRUMB = re.compile(
    r"(?:[^>»›]{1,20}\s*[>»›]\s*){2,}|[>»›]\s*正文\s*$|^(?:您|你)?的?(?:当前|所在)?位置\s*[:：]"
)
# A page toolbar: only tool words ("下载 打印 全屏 收藏", "【字号：加大 还原 减小】", "分享到：").
_TOOL = (
    r"下载|打印(?:本页|此页)?|全屏|收藏(?:本页)?|分享(?:到)?(?:微信|微博|朋友圈|QQ空间)?|关闭(?:窗口|本页)?"
    r"|纠错|字号|字体|加大|还原|减小|放大|缩小|默认|[大中小]|返回顶部|返回|×"
)
_TOOLBAR = re.compile(rf"^[【\[]?\s*(?:(?:{_TOOL})\s*[:：|｜/]?\s*)+[】\]]?$")
_CLICK = re.compile(
    r"^[》>]{0,2}\s*点击(?:图片|这里|此处|查看|进入|下载)|^[》>]{2}.{0,20}[《<]{2}$"
)
# Photo captions and picture credits: "…作政府工作报告。本报记者 朱江 摄", "新华社记者 某某 摄".
_CAPTION = re.compile(
    r"(?:记者|摄影|通讯员|图)\s*[\u4e00-\u9fff·]{1,4}(?:\s+[\u4e00-\u9fff·]{1,4}){0,3}\s*摄\s*[）)]?$"
    # a credit after a caption sentence; a credit alone is a byline (a masthead), not this
    r"|。\s*[^。]{0,24}(?:记者|摄影)\s*[\u4e00-\u9fff·]{2,4}(?:\s+[\u4e00-\u9fff·]{1,4}){0,3}$"
    r"|^[（(]?\s*(?:图|图片|照片)\s*[:：].{0,40}$"
)
# Licence footers, such as Wikisource's public-domain notice under a government document.
_LICENCE = re.compile(
    r"维基文库|维基百科|Wikisource|Public\s*domain|公有领域|公共领域|知识共享|Creative\s*Commons"
    r"|本作品.{0,60}(?:著作权法|不适用于该法|版权)",
    re.I,
)
# Each form of a licence notice holds one of these; case-folded, the Latin ones begin with W, P or
# C, which have no other case variants. A line with none of them is no licence notice.
_LICENCE_WORDS = ("维基", "公有领域", "公共领域", "知识共享", "本作品", *"WwPpCc")
# The header of an appendix after the text (attachments, glossaries, notes): the speech has ended.
_APPENDIX = re.compile(
    r"^(?:附件|附录|附表)\s*[\d一二三四五六七八九十]*\s*[:：]?$|^(?:名词解释|名词注释|名词解读|注释|注解|词语解释|术语解释)\s*[:：]?$"
)
# A label whose value a scraper put on the next line: "来源：" / "四川日报".
_BARE_LABEL = re.compile(
    r"^(?:责任编辑|编辑|来源|出处|作者|发布时间|发表时间|发布日期|更新时间|时间|日期|阅读量|浏览次数|点击数|字号|字体)\s*[:：]$"
)
_OPEN_BRACKET = re.compile(r"^[【\[][^】\]]{0,12}$")
# A line that goes on from the one before it: it begins with punctuation that never opens text.
_CONTINUES = re.compile(r"^[，,、。；;：:）)》〉」』”’！？!?]")
# A link's (or a sub/superscript's) text: "民族区域自治法", "2.5" in "PM\n2.5\n）".
_LINK_TEXT = re.compile(r"^(?:[\u4e00-\u9fff《》·]{1,20}|[A-Za-z0-9.]{1,8})$")
_ENDED = re.compile(r"[。！？!?；;…”’）)】」』：:]$")
_LIST_HEADER = re.compile(
    r"^(?:您|你)?(?:可能)?感兴趣的?(?:文稿|文章|内容|资料)?|^猜你喜欢"
    r"|^相关(?:文章|阅读|推荐|文稿|链接|新闻|资料|范文|报道|文档|附件|专题|视频|图片|稿件)"
    r"|^(?:阅读|点击|浏览|热门|热度)排行|^排行榜|^热门(?:文章|推荐|文稿|标签|阅读)|^推荐(?:文稿|文章|阅读|范文|资料)"
    r"|^精彩(?:推荐|阅读|专题)|^最新(?:文章|文稿|发布|更新|推荐)|^延伸阅读|^更多(?:文章|精彩|推荐|阅读)"
    r"|^热点(?:文章|推荐|新闻)|^(?:本周|本月|今日)(?:热门|推荐|排行)|^大家(?:都在看|还看了)|^扩展阅读"
)
_PREV_NEXT = re.compile(
    r"^(?:上一篇|下一篇|上一页|下一页|分享到|打印本页|关闭窗口|【打印】|【关闭】)"
)
_BULLET = re.compile(r"^(?:[-*·•▪►]\s*|\d{1,2}-\d{1,2}\s*|\d{1,2}[.、]?\s*(?=\D))")
_META = re.compile(
    r"^[\[【（(]?\s*(?:责任编辑|责编|编辑|校对|审核|审校|终审|初审|复审|监制|来源|出处|作者|文字|摄影|图片|撰稿"
    r"|通讯员|发布时间|发布日期|更新时间|时间|日期|浏览次数|浏览|阅读量|点击数|字号|标签|关键词|原标题)\s*[:：]"
)
_META_ANYWHERE = re.compile(
    r"责任编辑|最后修改|版权所有|Copyright|©|ICP备|未经授权|转载请注明|本文来源|本站所有|免责声明",
    re.I,
)
_AUTHOR_NOTE = re.compile(
    r"^[（(【\[〔]\s*(?:作者|本文作者|本文系|本文为|本文是|注|稿件来源|来源).{0,80}[）)】\]〕]\s*$"
)
_BYLINE = re.compile(
    r"^(?:[\u4e00-\u9fff]{0,8}(?:记者|评论员|通讯员|特约评论员|观察员|编辑部|本报评论部)(?:[\s·\u4e00-\u9fff]{0,12})"
    r"|[\u4e00-\u9fff]{0,10}(?:记者|通讯员)\s*[\u4e00-\u9fff]{2,4}(?:\s+[\u4e00-\u9fff]{2,4}){0,3})$"
)
# "（2024年3月5日）" under a title, and "县委书记 王某某" speaker lines: masthead, not speech.
_DATELINE = re.compile(r"^[（(]\s*\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?\s*[）)]$")
_DATE = re.compile(
    r"^\d{4}\s*[年/-]\s*\d{1,2}\s*[月/-](?:\s*\d{1,2}\s*日?)?"
    r"(?:\s*\d{1,2}\s*[时:：]\s*\d{1,2}\s*分?(?:\s*[:：]\s*\d{1,2}\s*秒?)?)?$"
)
_SPEAKER_LINE = re.compile(
    r"^[\u4e00-\u9fff、]{0,16}(?:书记|长|主任|委员|主席|代表|员|经理|秘书|同志)\s+[\u4e00-\u9fff·]{2,4}$"
)
_PHONE = re.compile(
    r"(?:[(（]0\d{2,3}[)）]|(?<!\d)0\d{2,3})[-－ ]?\d{7,8}(?!\d)|(?<!\d)1[3-9]\d{9}(?!\d)"
)
_CONTACT = re.compile(
    r"联系人|联系电话|联系方式|咨询电话|服务热线|热线电话|热线[:：]|诚招|经销商|代理商|加盟|招商热线|微信号|"
    r"QQ[:：号]|扫码|二维码|扫一扫|关注公众号|公众号[:：]|https?://|www\.|广告|邮编[:：]|地址[:：]",
    re.I,
)
# Apart, and only tried on a line with an "@": "[\w.]+" runs over Chinese text too, and retried
# from every character it made the contact test the slowest of all.
_EMAIL = re.compile(r"[\w.]+@[\w.]+\.[a-z]{2,}", re.I)
# Every telephone number holds seven digits in a row: a cheap test that rules out most lines.
_SEVEN_DIGITS = re.compile(r"\d{7}")
# A breadcrumb needs one of its arrows, or the word 位置: without them its pattern (which tries
# twenty characters from every position) is not run at all.
_BREADCRUMB_SIGNS = (">", "»", "›", "位置")
_COUNT = re.compile(r"^[（(]\s*(?:共)?\s*\d{1,3}\s*篇\s*[）)]$")
_SUBTITLE = re.compile(r"^(?:——|—|--|－－)\s*\S")
_SENTENCE_PUNCT = re.compile(r"[。！？；，,;!?]")
_SLASHED = re.compile(r"^[^/|]{1,16}(?:\s*[/|]\s*[^/|]{1,16}){2,}$")


@dataclass(frozen=True)
class Para:
    """A line that survived noise removal.

    ``role`` is ``text`` for speech or article text, ``byline`` for a reporter or author line,
    ``subtitle`` for a "——" line, ``count`` for a "（2篇）" collection marker, and ``break`` where a
    paid-content marker stood (a likely document boundary). ``line`` is the number of the line it
    starts on (a line rejoined from several keeps the first one's number). ``cue`` is the
    formatting cue its file gave that line (``drafter.formats.Cue``: a heading level or "bold"),
    None for plain text; a line rejoined from several keeps the first one's cue.
    """

    text: str
    line: int
    role: str = "text"
    cue: str | None = None


def _is_nav(text: str) -> bool:
    if len(text) > 80:
        return False
    if _TOOLBAR.match(text) or _CLICK.search(text):
        return True
    if _NAV_WORDS.search(text) and (len(text) <= 40 or "|" in text):
        return True
    if (
        "。" not in text
        and any(sign in text for sign in _BREADCRUMB_SIGNS)
        and _BREADCRUMB.search(text)
    ):
        return True
    if "|" not in text and "｜" not in text:
        return False  # one segment
    segments = re.split(r"\s*[|｜]\s*", text)
    return len(segments) >= 3 and all(len(s) <= 12 for s in segments)


def _is_meta(text: str) -> bool:
    if len(text) <= 120 and _META.match(text):
        return True
    if len(text) <= 160 and _META_ANYWHERE.search(text):
        return True
    return bool(_AUTHOR_NOTE.match(text))


def _has_phone(text: str) -> bool:
    return _SEVEN_DIGITS.search(text) is not None and _PHONE.search(text) is not None


def _is_contact(text: str) -> bool:
    if _has_phone(text):
        return True
    return len(text) <= 80 and (
        _CONTACT.search(text) is not None or ("@" in text and _EMAIL.search(text) is not None)
    )


def _is_short_unpunctuated(text: str) -> bool:
    return len(text) <= 40 and not _SENTENCE_PUNCT.search(text)


def _classify(text: str) -> str:
    """Role of one non-blank line: a ``Para`` role, or ``noise``/``ad``/``list``/``bullet``."""
    if len(text) <= 400 and any(w in text for w in _LICENCE_WORDS) and _LICENCE.search(text):
        return "licence"
    if _APPENDIX.match(text):
        return "appendix"
    if len(text) > 160:
        # Long lines are prose or, rarely, an advertisement with a phone number in it.
        return "ad" if _has_phone(text) else "text"
    if _may_mark(text) and _MARKER.fullmatch(text):
        return "break"
    if not _CJK.search(text) or _DATE.match(text):
        return "noise"  # page numbers, dates, counters, stray Latin
    if _COUNT.match(text):
        return "count"
    if _LIST_HEADER.match(text) and len(text) <= 24:
        return "list"
    if _PREV_NEXT.match(text):
        return "noise"
    if _is_nav(text) or _is_meta(text):
        return "noise"
    if _is_contact(text) or _SLASHED.match(text):
        return "ad"
    if len(text) <= 120 and _CAPTION.search(text):
        return "noise"
    if (
        (_BYLINE.match(text) and len(text) <= 30)
        or _DATELINE.match(text)
        or _SPEAKER_LINE.match(text)
    ):
        return "byline"
    if _SUBTITLE.match(text) and len(text) <= 60:
        return "subtitle"
    if _BULLET.match(text) and text[:1] in "-*·•▪►" and "。" not in text:
        return "bullet"
    return "text"


def _may_mark(text: str) -> bool:
    """Whether a paid-content marker can be in the text: each form begins with "#" or "["."""
    return "#" in text or "[" in text


def _is_list_item(text: str) -> bool:
    return len(text) <= 60 and "。" not in text


def _drop_lists(roles: list[str], texts: list[str]) -> None:
    """Mark related-article lists (a list header and the items under it) and bullet runs as noise."""
    n = len(roles)
    i = 0
    while i < n:
        if roles[i] == "list":
            roles[i] = "noise"
            j = i + 1
            bullets = 0
            while j < n and roles[j] in ("bullet", "list", "noise", "ad"):
                bullets += roles[j] == "bullet"
                roles[j] = "noise"
                j += 1
            # A list of bullets ends at the first line without one. A list without bullets is
            # made of short lines with no sentence end; it ends where a line heads something
            # other than another such line (a body paragraph, a masthead): that line is a title.
            while not bullets and j < n and roles[j] == "text" and _is_list_item(texts[j]):
                nxt = j + 1
                if nxt < n and not (roles[nxt] in ("list", "noise") or _is_list_item(texts[nxt])):
                    break
                roles[j] = "noise"
                j += 1
            i = j
            continue
        if roles[i] == "bullet":
            roles[i] = "noise"
        i += 1


def _drop_footers(roles: list[str], texts: list[str]) -> None:
    """An appendix header ends the text: it and all after it go. A licence notice goes with the
    short lines that follow it (the rest of a notice a scraper broke into pieces)."""
    n = len(roles)
    for i in range(n):
        if roles[i] == "appendix":
            roles[i:] = ["noise"] * (n - i)
            return
        if roles[i] == "licence":
            roles[i] = "noise"
            j = i + 1
            while j < n and roles[j] in ("text", "noise", "licence") and len(texts[j]) <= 40:
                roles[j] = "noise"
                j += 1


def rejoin(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Join again the pieces of lines that a scraper broke (each piece a non-blank line).

    - a piece that begins with punctuation that never opens text ("，支持…") goes on from the
      line before it, when that line has not ended;
    - a link's text on a line of its own ("民族区域自治法") between such a line and a piece that
      goes on from it is part of the sentence too;
    - a bracket left open ("【字号：") is closed by the short pieces after it ("加大" … "】");
    - a lone ">" joins the pieces of a breadcrumb;
    - a bare label ("来源：") takes its value from the next short line;
    - a single character after a short unpunctuated line ("政府工作报" / "告") finishes it.
    """
    out: list[tuple[int, str]] = []
    n = len(lines)
    i = 0

    def open_end() -> bool:
        # The line before has stopped inside a sentence: after a character or a clause mark.
        last = out[-1][1][-1:] if out else ""
        return bool(last) and (
            _CJK.match(last) is not None or last in "、，,（(《“" or last.isalnum()
        )

    def goes_on(text: str, nxt: str) -> bool:
        """Whether ``text`` is the rest of the line before it."""
        if not out:
            return False
        if _CONTINUES.match(text):
            return not _ENDED.search(out[-1][1])
        if not open_end():
            return False
        if _LINK_TEXT.match(text) and _CONTINUES.match(nxt):
            return True
        before = out[-1][1]
        return (
            len(text) == 1
            and _CJK.match(text) is not None
            and len(before) <= 20
            and not _SENTENCE_PUNCT.search(before)
            and not _TOOLBAR.match(before)
            and not _TOOLBAR.match(text)
        )

    while i < n:
        number, text = lines[i]
        nxt = lines[i + 1][1] if i + 1 < n else ""
        if goes_on(text, nxt):
            out[-1] = (out[-1][0], out[-1][1] + text)
        elif _OPEN_BRACKET.match(text):
            j = i + 1
            while j < n and j - i <= 8 and len(lines[j][1]) <= 12 and "】" not in lines[j][1]:
                j += 1
            if j < n and j - i <= 8 and lines[j][1] in ("】", "]"):
                out.append((number, " ".join(t for _, t in lines[i : j + 1])))
                i = j + 1
                continue
            out.append((number, text))
        elif text in (">", "»", "›", "＞") and out and i + 1 < n:
            out[-1] = (out[-1][0], f"{out[-1][1]} > {nxt}")
            i += 2
            continue
        elif _BARE_LABEL.match(text) and nxt and len(nxt) <= 30 and not _OPEN_BRACKET.match(nxt):
            out.append((number, f"{text}{nxt}"))
            i += 2
            continue
        else:
            out.append((number, text))
        i += 1
    return out


def _grow_ads(roles: list[str], texts: list[str]) -> None:
    """Short slogan lines next to an advertisement belong to it (a title heading text does not).

    Whether a line may join is fixed by the line and the one after it, so an advertisement
    spreads through a run of such lines in one sweep each way.
    """
    n = len(roles)

    def joinable(i: int) -> bool:
        if roles[i] != "text" or not _is_short_unpunctuated(texts[i]):
            return False
        nxt = roles[i + 1] if i + 1 < n else ""
        return not (
            nxt in ("byline", "subtitle", "count") or (nxt == "text" and "。" in texts[i + 1])
        )

    for i in range(1, n):
        if roles[i - 1] == "ad" and joinable(i):
            roles[i] = "ad"
    for i in range(n - 2, -1, -1):
        if roles[i + 1] == "ad" and joinable(i):
            roles[i] = "ad"


# Paragraph keys are polynomial hashes of their runs of sentences (each sentence interned as a
# number), so every sentence-aligned prefix and suffix of a paragraph is one integer away: memory
# and time stay linear in the number of sentences, where the runs themselves would be quadratic.
# Hash hits are checked against the sentences, so a collision never drops a paragraph.
_MOD = (1 << 61) - 1
_BASE = 1_000_003


def _run_key(length: int, digest: int) -> int:
    return (length << 61) | digest


class _Runs:
    """The sentence runs of the paragraphs seen so far, by key."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.seqs: list[list[int]] = []  # sentence ids of each paragraph, by number

    def sentence_ids(self, text: str) -> list[int]:
        ids = self.ids
        return [ids.setdefault(fold_normalized(s), len(ids) + 1) for s in split_sentences(text)]

    def matches(self, ref: int, seq: list[int]) -> bool:
        """Whether ``seq`` is the run ``ref`` names: paragraph ``ref >> 2``'s whole sentences
        (``ref & 3 == 0``), a prefix (1) or a suffix (2) of them."""
        other, kind = self.seqs[ref >> 2], ref & 3
        if kind == 0:
            return other == seq
        if kind == 1:
            return other[: len(seq)] == seq
        return other[len(other) - len(seq) :] == seq


def _key(seq: list[int]) -> int:
    digest = 0
    for sid in seq:
        digest = (digest * _BASE + sid) % _MOD
    return _run_key(len(seq), digest)


def _piece_keys(seq: list[int]) -> Iterator[tuple[int, int]]:
    """Keys of a paragraph's proper sentence-aligned prefixes, then suffixes, with their kind."""
    m = len(seq)
    digest = 0
    for k in range(m - 1):
        digest = (digest * _BASE + seq[k]) % _MOD
        yield _run_key(k + 1, digest), 1
    digest, power = 0, 1
    for k in range(m - 1, 0, -1):
        digest = (digest + seq[k] * power) % _MOD
        power = power * _BASE % _MOD
        yield _run_key(m - k, digest), 2


def _dedupe(paras: list[Para]) -> list[Para]:
    """Drop repeated paragraphs, and paragraphs that are a sentence-aligned part of another.

    A paragraph goes if its sentences equal an earlier paragraph's, or a proper prefix or suffix
    of them; an earlier paragraph goes if it is a prefix or suffix of a later one.
    """
    kept: list[Para | None] = []
    runs = _Runs()
    full: dict[int, tuple[int, int]] = {}  # key -> (index in kept, ref of the paragraph)
    parts: dict[int, int] = {}  # key -> ref of the first prefix or suffix with that key
    for para in paras:
        if para.role != "text" or len(para.text) < 6:
            kept.append(para)
            continue
        seq = runs.sentence_ids(para.text)
        key = _key(seq)
        same = full.get(key)
        if same is not None and runs.matches(same[1], seq):
            continue
        ref = parts.get(key)
        if ref is not None and runs.matches(ref, seq):
            continue
        number = len(runs.seqs)
        runs.seqs.append(seq)
        for piece, kind in _piece_keys(seq):
            earlier = full.get(piece)
            if earlier is not None and _is_piece(runs, earlier[1], seq, kind):
                del full[piece]
                kept[earlier[0]] = None  # an earlier fragment of this longer paragraph
            parts.setdefault(piece, number << 2 | kind)
        full[key] = (len(kept), number << 2)
        kept.append(para)
    return [p for p in kept if p is not None]


def _is_piece(runs: _Runs, whole: int, seq: list[int], kind: int) -> bool:
    """Whether paragraph ``whole`` (a ref to whole sentences) is a prefix (kind 1) or suffix (2)
    of ``seq``."""
    other = runs.seqs[whole >> 2]
    if len(other) >= len(seq):
        return False
    return seq[: len(other)] == other if kind == 1 else seq[len(seq) - len(other) :] == other


def clean_lines(text: str, cues: Mapping[int, str] | None = None) -> list[Para]:
    """Split a normalised document into lines and keep the ones that are not noise.

    ``cues`` gives the formatting cue of lines, by line number (1 for the first line)."""
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if _may_mark(line) and not _MARKER.fullmatch(line):
            line = _MARKER.sub("", line).strip()  # a marker inside text is dropped, the text kept
        if line:
            lines.append((number, line))
    lines = rejoin(lines)
    texts = [t for _, t in lines]
    roles = [_classify(t) for t in texts]
    _drop_footers(roles, texts)
    _drop_lists(roles, texts)
    _grow_ads(roles, texts)
    cues = cues or {}
    paras = [
        Para(t, number, role, cues.get(number))
        for (number, t), role in zip(lines, roles, strict=True)
        if role in ("text", "byline", "subtitle", "count", "break")
    ]
    return _dedupe(paras)
