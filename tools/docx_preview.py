"""Look at a drafter .docx as pages: LibreOffice (headless) makes a PDF, pdftoppm makes PNGs.

    python tools/docx_preview.py 发言.docx --out preview/          # an existing document
    python tools/docx_preview.py --theme 激励干部担当作为 --seed 1 --out preview/   # draft one first
    python tools/docx_preview.py --title "……——在……会议上的发言" --pages 1   # a long title, page 1

Needs ``soffice`` or ``libreoffice`` (LibreOffice) and ``pdftoppm`` (poppler-utils) on the PATH. The fonts the
layout names (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312, 黑体) are not free; where they are not
installed, LibreOffice substitutes other CJK fonts, so glyphs differ from an office PC while
sizes, margins, spacing and page numbers stay those of the document.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DPI = 110


def _tool(package: str, *names: str) -> str:
    """The first of ``names`` on the PATH; the program stops with what to install if none is."""
    for name in names:
        found = shutil.which(name)
        if found is not None:
            return found
    sys.exit(f"找不到 {' 或 '.join(names)}：请先安装 {package}（如 apt-get install {package}）")


def draft_docx(
    theme: str,
    seed: int,
    parts: int,
    style: Path | None,
    out: Path,
    title: str | None = None,
    speaker: str | None = "张三",
    organisation: str | None = "某某县委组织部",
) -> Path:
    """Draft a theme with the bundled bank and write it as .docx into ``out``."""
    from drafter import DraftRequest, draft_outline
    from drafter.output.templates import render_file
    from drafter.workspace import bundled

    request = DraftRequest(
        theme=theme,
        parts=parts,
        seed=seed,
        title=title,
        speaker=speaker,
        organisation=organisation,
    )
    draft = draft_outline(bundled("phrasebank"), request)
    path = out / f"{theme}-{seed}.docx"
    path.write_bytes(render_file(draft, "docx", style=style))
    return path


def to_pdf(docx: Path, out: Path) -> Path:
    soffice = _tool("libreoffice-writer-nogui", "soffice", "libreoffice")
    # A private profile: a desktop LibreOffice that is running (or a first start) does not
    # interfere, and nothing is written to the user's home.
    with tempfile.TemporaryDirectory() as profile:
        env = {**os.environ, "HOME": profile}
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                str(docx),
            ],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
            timeout=180,
        )
    pdf = out / (docx.stem + ".pdf")
    if not pdf.is_file():
        sys.exit(f"LibreOffice 没有生成 {pdf}")
    return pdf


def to_png(pdf: Path, out: Path, dpi: int, pages: int | None = None) -> list[Path]:
    pdftoppm = _tool("poppler-utils", "pdftoppm")
    prefix = out / pdf.stem
    last = ["-l", str(pages)] if pages else []
    subprocess.run([pdftoppm, "-png", "-r", str(dpi), *last, str(pdf), str(prefix)], check=True)
    return sorted(out.glob(f"{pdf.stem}-*.png"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docx", nargs="?", type=Path, help="要预览的 .docx（不给则先起草一份）")
    parser.add_argument("--out", type=Path, default=Path("preview"), help="输出目录")
    parser.add_argument("--theme", default="激励干部担当作为")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--parts", type=int, default=4)
    parser.add_argument("--title", help="自拟标题（长标题可看回行）")
    parser.add_argument("--speaker", default="张三", help="发言人（标题下一行）")
    parser.add_argument("--organisation", default="某某县委组织部", help="单位（标题下一行）")
    parser.add_argument("--style", type=Path, help="版式文件（YAML）")
    parser.add_argument("--dpi", type=int, default=DPI)
    parser.add_argument("--pages", type=int, help="只转前几页（默认全部）")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    docx = args.docx or draft_docx(
        args.theme,
        args.seed,
        args.parts,
        args.style,
        args.out,
        args.title,
        args.speaker or None,
        args.organisation or None,
    )
    pdf = to_pdf(docx, args.out)
    pages = to_png(pdf, args.out, args.dpi, args.pages)
    print(f"docx: {docx}")
    print(f"pdf:  {pdf}")
    for page in pages:
        print(f"png:  {page}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
