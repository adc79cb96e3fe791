"""Look at a drafter .docx as pages: LibreOffice (headless) makes a PDF, pdftoppm makes PNGs.

    python tools/docx_preview.py 发言.docx --out preview/          # an existing document
    python tools/docx_preview.py --theme 激励干部担当作为 --seed 1 --out preview/   # draft one first

Needs ``soffice`` (LibreOffice) and ``pdftoppm`` (poppler-utils) on the PATH. The fonts the
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


def _tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        sys.exit(f"找不到 {name}：请先安装 {package}（如 apt-get install {package}）")
    return found


def draft_docx(theme: str, seed: int, parts: int, style: Path | None, out: Path) -> Path:
    """Draft a theme with the bundled bank and write it as .docx into ``out``."""
    from drafter import DraftRequest, draft_outline
    from drafter.output.templates import render_file
    from drafter.workspace import bundled

    request = DraftRequest(
        theme=theme, parts=parts, seed=seed, speaker="张三", organisation="某某县委组织部"
    )
    draft = draft_outline(bundled("phrasebank"), request)
    path = out / f"{theme}-{seed}.docx"
    path.write_bytes(render_file(draft, "docx", style=style))
    return path


def to_pdf(docx: Path, out: Path) -> Path:
    soffice = _tool("soffice", "libreoffice-writer-nogui")
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


def to_png(pdf: Path, out: Path, dpi: int) -> list[Path]:
    pdftoppm = _tool("pdftoppm", "poppler-utils")
    prefix = out / pdf.stem
    subprocess.run([pdftoppm, "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True)
    return sorted(out.glob(f"{pdf.stem}-*.png"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docx", nargs="?", type=Path, help="要预览的 .docx（不给则先起草一份）")
    parser.add_argument("--out", type=Path, default=Path("preview"), help="输出目录")
    parser.add_argument("--theme", default="激励干部担当作为")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--parts", type=int, default=4)
    parser.add_argument("--style", type=Path, help="版式文件（YAML）")
    parser.add_argument("--dpi", type=int, default=DPI)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    docx = args.docx or draft_docx(args.theme, args.seed, args.parts, args.style, args.out)
    pdf = to_pdf(docx, args.out)
    pages = to_png(pdf, args.out, args.dpi)
    print(f"docx: {docx}")
    print(f"pdf:  {pdf}")
    for page in pages:
        print(f"png:  {page}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
