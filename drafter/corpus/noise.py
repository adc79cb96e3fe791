"""Removing web noise from a normalised document and classifying the lines that remain.

Noise is recognised by its form, never by knowing a site: navigation and breadcrumbs, lists of
related articles, paid-content markers, editor/author/copyright notes, advertisements and contact
lines, stray numbers, and paragraphs that repeat (wholly or as a sentence-aligned part of another).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from drafter.text.normalize import fold_normalized
from drafter.text.sentences import split_sentences

_CJK = re.compile(r"[\u3400-\u9fff]")
_MARKER = re.compile(r"#{2,}\s*[A-Za-z_]+\s*#{2,}|\[/?(?:paid|vip|hide|free)[a-z]*\]", re.I)
_NAV_WORDS = re.compile(
    r"首页|网站地图|设为首页|加入收藏|返回顶部|返回首页|登录|注册|English|无障碍|手机版|客户端"
)
_BREADCRUMB = re.compile(r"(?:[^>»›]{1,20}\s*[>»›]\s*){2,}|[>»›]\s*正文\s*$|^当前位置")
_LIST_HEADER = re.compile(
    r"^(?:您|你)?(?:可能)?感兴趣的?(?:文稿|文章|内容|资料)?|^猜你喜欢|^相关(?:文章|阅读|推荐|文稿|链接|新闻|资料|范文)"
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
_DATE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?$")
_SPEAKER_LINE = re.compile(
    r"^[\u4e00-\u9fff、]{0,16}(?:书记|长|主任|委员|主席|代表|员|经理|秘书|同志)\s+[\u4e00-\u9fff·]{2,4}$"
)
_PHONE = re.compile(
    r"(?:[(（]0\d{2,3}[)）]|(?<!\d)0\d{2,3})[-－ ]?\d{7,8}(?!\d)|(?<!\d)1[3-9]\d{9}(?!\d)"
)
_CONTACT = re.compile(
    r"联系人|联系电话|联系方式|咨询电话|服务热线|热线电话|热线[:：]|诚招|经销商|代理商|加盟|招商热线|微信号|"
    r"QQ[:：号]|扫码|二维码|扫一扫|关注公众号|公众号[:：]|https?://|www\.|[\w.]+@[\w.]+\.[a-z]{2,}|广告|邮编[:：]|地址[:：]",
    re.I,
)
_COUNT = re.compile(r"^[（(]\s*(?:共)?\s*\d{1,3}\s*篇\s*[）)]$")
_SUBTITLE = re.compile(r"^(?:——|—|--|－－)\s*\S")
_SENTENCE_PUNCT = re.compile(r"[。！？；，,;!?]")
_SLASHED = re.compile(r"^[^/|]{1,16}(?:\s*[/|]\s*[^/|]{1,16}){2,}$")


@dataclass(frozen=True)
class Para:
    """A line that survived noise removal.

    ``role`` is ``text`` for speech or article text, ``byline`` for a reporter or author line,
    ``subtitle`` for a "——" line, ``count`` for a "（2篇）" collection marker, and ``break`` where a
    paid-content marker stood (a likely document boundary).
    """

    text: str
    line: int
    role: str = "text"


def _is_nav(text: str) -> bool:
    if len(text) > 80:
        return False
    if _NAV_WORDS.search(text) and (len(text) <= 40 or "|" in text):
        return True
    if _BREADCRUMB.search(text) and "。" not in text:
        return True
    segments = re.split(r"\s*[|｜]\s*", text)
    return len(segments) >= 3 and all(len(s) <= 12 for s in segments)


def _is_meta(text: str) -> bool:
    if _META.match(text) and len(text) <= 120:
        return True
    if _META_ANYWHERE.search(text) and len(text) <= 160:
        return True
    return bool(_AUTHOR_NOTE.match(text))


def _is_contact(text: str) -> bool:
    if _PHONE.search(text):
        return True
    return len(text) <= 80 and bool(_CONTACT.search(text))


def _is_short_unpunctuated(text: str) -> bool:
    return len(text) <= 40 and not _SENTENCE_PUNCT.search(text)


def _classify(text: str) -> str:
    """Role of one non-blank line: a ``Para`` role, or ``noise``/``ad``/``list``/``bullet``."""
    if len(text) > 160:
        # Long lines are prose or, rarely, an advertisement with a phone number in it.
        return "ad" if _PHONE.search(text) else "text"
    if _MARKER.fullmatch(text):
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


def clean_lines(text: str) -> list[Para]:
    """Split a normalised document into lines and keep the ones that are not noise."""
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not _MARKER.fullmatch(line):
            line = _MARKER.sub("", line).strip()  # a marker inside text is dropped, the text kept
        if line:
            lines.append((number, line))
    texts = [t for _, t in lines]
    roles = [_classify(t) for t in texts]
    _drop_lists(roles, texts)
    _grow_ads(roles, texts)
    paras = [
        Para(t, number, role)
        for (number, t), role in zip(lines, roles, strict=True)
        if role in ("text", "byline", "subtitle", "count", "break")
    ]
    return _dedupe(paras)
