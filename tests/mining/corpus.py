"""Small speeches written by the tests: a few hundred characters each, parsed in milliseconds."""

from __future__ import annotations

from pathlib import Path

_NUMERALS = "一二三四五六"

RURAL = (
    "在全市乡村振兴工作会议上的讲话",
    "乡村振兴",
    [
        ("提高政治站位，扛牢粮食安全责任", ["稳定粮食播种面积", "加强高标准农田建设"]),
        ("聚焦产业发展，拓宽农民增收渠道", ["做强特色农业产业", "发展农村电子商务"]),
        ("深化农村改革，激发乡村发展活力", ["稳妥推进宅基地改革", "发展新型农村集体经济"]),
    ],
)
BUSINESS = (
    "在全区优化营商环境大会上的讲话",
    "营商环境",
    [
        ("坚持改革引领，打造高效便捷的政务环境", ["深化一网通办改革", "压减审批办理时限"]),
        ("坚持法治保障，打造公平公正的法治环境", ["规范涉企行政执法", "依法保护企业产权"]),
        ("坚持服务至上，打造亲清和谐的发展环境", ["健全政企沟通机制", "帮助企业纾困解难"]),
    ],
)
SAFETY = (
    "在全县安全生产工作会议上的讲话",
    "安全生产",
    [
        ("压实安全责任，守牢安全发展底线", ["落实企业主体责任", "强化部门监管责任"]),
        ("紧盯重点领域，深化隐患排查整治", ["整治道路交通隐患", "排查燃气管道风险"]),
    ],
)
# What a site puts around a text: navigation above it, a toolbar and a footer below.
NOISE_ABOVE = "首页 > 新闻中心 > 领导讲话\n【字号：大 中 小】 打印本页 关闭窗口\n"
NOISE_BELOW = "\n责任编辑：王某某\n上一篇：关于做好春耕生产的通知\n版权所有：某某市人民政府办公室\n"


def speech(
    title: str, theme: str, parts: list[tuple[str, list[str]]], extra_point: str | None = None
) -> str:
    """A speech with a title, an opening, numbered parts with a lead and "一是" points, and a
    closing; ``extra_point`` adds a point to the first part (a file that changed)."""
    lines = [
        title,
        "",
        f"同志们：今天我们召开{theme}工作会议，主要任务是总结工作、分析形势、部署任务。"
        "下面，我讲几点意见。",
    ]
    for number, (heading, points) in enumerate(parts):
        lines.append(f"{_NUMERALS[number]}、{heading}")
        lines.append(
            f"{heading}是做好{theme}工作的关键。我们必须坚持问题导向，把各项要求落到实处。"
        )
        if number == 0 and extra_point:
            points = [*points, extra_point]
        for at, point in enumerate(points):
            lines.append(
                f"{_NUMERALS[at]}是{point}。要围绕{theme}强化责任落实，确保{point}取得实效，"
                "推动工作不断迈上新台阶。"
            )
    lines.append(
        f"同志们，做好{theme}工作意义重大。让我们以更加昂扬的精神状态，奋力开创{theme}工作新局面！"
    )
    return "\n".join(lines) + "\n"


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder
