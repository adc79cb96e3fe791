"""The commented example brief file that ``drafter brief new`` writes."""

from __future__ import annotations

from pathlib import Path

from drafter.files.yamlio import write_user_file

EXAMPLE_BRIEFS = """\
# drafter 简报文件：一次为一场会议的每位发言人起草提纲。
# 用法：drafter batch 本文件 --out 输出目录        只检查不生成：drafter batch 本文件 --check
#
# 文件可以是一条简报、简报列表，或者像这样：defaults（每条简报都继承的设置）加 briefs（简报列表）。
# 简报里写的内容都按原样使用，{{ }} 之类的文字不会被当作模板代码。

defaults:
  occasion: 研讨发言     # 场合：研讨发言、座谈发言、交流发言、讲话（见素材库的 themes.yaml）
  parts: 3               # 分几部分：3 或 4
  points: 3              # 每部分的要点数：2–5
  formats: [md]          # 输出格式：md、txt、json，可写多个
  organisation: 市委组织部
  meeting: 干部工作座谈会 # 同一会议的发言互不重复使用分部标题、要点和引语（素材不够时才共用，
                         # 并注明共用了什么）；不写 meeting 的简报同属一组，--independent 则各写各的

briefs:
  - id: 01-zhangsan              # 必填：简报编号，同一批里不能重复；也是默认的文件名
    theme: 激励干部担当作为       # 必填：主题，可以是主题表里的，也可以自由输入
    speaker: 张三
    parts: 4
    seed: 7                       # 随机种子：不填则由编号和主题算出，重跑结果不变
    keywords: [基层, 一线]        # 优先选用含这些词的素材
    formats: [md, json]           # json 草稿可以交给别的简报的 avoid，避免两篇用同样的素材

  - id: 02-lisi
    theme: 守初心担使命
    speaker: 李四
    title: 守初心担使命，在新征程上展现新作为   # 自己定的标题，原样使用
    occasion: 座谈发言
    detail: full                  # outline：只列要点；full：每个要点附一段展开
    avoid: [形式主义]             # 不用含这些词的素材；也可以写条目编号（如 pt-0123456789）
                                  # 或之前生成的 JSON 草稿文件（相对于本文件）

  - id: 03-wangwu
    theme: 为基层减负             # 主题表里没有的主题：按字词选择维度，并在结果里说明
    speaker: 王五
    organisation: 县委办公室
    output: 第二组/王五           # 输出文件名（不含后缀），可带子目录，但不能跳出输出目录
    formats: [txt]
    sources: true                 # 注明每一行素材的出处
    # template: 我的模板          # 模板名称（工作目录 templates/ 下的 .j2），或简报所在目录里的模板文件
"""


def write_example(path: Path, force: bool = False) -> Path:
    """Write the example brief file; an existing file is replaced only with ``force``."""
    write_user_file(path, EXAMPLE_BRIEFS, force)
    return path
