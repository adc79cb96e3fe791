"""``--annotate``: a copy of the checked .docx with a Word comment on the paragraph of each
finding. The input is only read; the copy is written whole or not at all."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from drafter.check.findings import SEVERITY_LABELS, Finding
from drafter.errors import InputError, UsageError
from drafter.files.yamlio import write_user_file

AUTHOR = "drafter 检查"
INITIALS = "DC"


def check_target(source: Path, out: Path, force: bool = False) -> None:
    """Refuse what cannot be annotated before any work is done: an input that is not a .docx,
    an output that is not one, the input itself, or an existing file without ``force``."""
    if source.suffix.lower() != ".docx":
        raise UsageError(
            f"--annotate 只能用于 .docx 输入（批注写在 Word 文档里）；{source.name} 不是 .docx，"
            "可以去掉 --annotate，或先另存为 .docx",
            path=source,
        )
    if out.suffix.lower() != ".docx":
        raise UsageError("--annotate 的输出文件要以 .docx 结尾", path=out)
    same = out.resolve() == source.resolve()
    if not same and out.exists():
        try:
            same = out.samefile(source)
        except OSError:
            same = False
    if same:
        raise UsageError(
            "--annotate 的输出不能是被检查的文件本身：原文件从不改动，请另给文件名", path=out
        )
    if out.exists() and not force:
        raise UsageError("文件已存在；要覆盖请加 --force", path=out)


def comment_text(finding: Finding) -> str:
    text = f"【{SEVERITY_LABELS[finding.severity]}】{finding.message}（{finding.rule}）"
    if finding.suggestion:
        text += f"\n建议：{finding.suggestion}"
    return text


def _runs(paragraph: Any) -> list[Any]:
    """The paragraph's runs, those inside hyperlinks included; one empty run when it has none
    (a comment needs a run to hang on; an empty one adds no text)."""
    from docx.text.hyperlink import Hyperlink

    runs: list[Any] = []
    for item in paragraph.iter_inner_content():
        runs.extend(item.runs if isinstance(item, Hyperlink) else [item])
    return runs or [paragraph.add_run("")]


def annotate_docx(
    source: Path, out: Path, findings: Sequence[Finding], force: bool = False
) -> Path:
    """Write ``out``: ``source`` with one comment per finding on its paragraph."""
    import docx

    check_target(source, out, force)
    try:
        document = docx.Document(str(source))
    except Exception as exc:  # python-docx has no error type of its own
        raise InputError(f"无法读取 .docx 文件（{type(exc).__name__}）", path=source) from exc
    paragraphs = document.paragraphs
    for finding in findings:
        at = finding.location.paragraph - 1
        if not 0 <= at < len(paragraphs):
            continue
        document.add_comment(
            _runs(paragraphs[at]), text=comment_text(finding), author=AUTHOR, initials=INITIALS
        )
    buffer = io.BytesIO()
    document.save(buffer)
    return write_user_file(out, buffer.getvalue(), force=force)
