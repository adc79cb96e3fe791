"""Which banks a workspace drafts from: the writer's own bank first, then the bundled one.

The order is set in one place, the workspace's ``drafter.yaml``::

    banks:          # 起草、检索时依次使用的素材库，排在前面的优先
      - phrasebank  # 工作目录下自己的素材库（相对于工作目录）
      - 内置        # 随 drafter 安装的素材库

Without the file, a workspace with its own ``phrasebank/`` drafts from it and then from the
bundled bank; a workspace without one drafts from the bundled bank. ``--bank DIR`` names one
bank and nothing else, as it always has.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drafter.errors import BankError
from drafter.files.yamlio import PosDict, PosList, load_positioned
from drafter.workspace import bundled

SETTINGS_FILE = "drafter.yaml"
BUNDLED_NAMES = ("内置", "bundled")  # how drafter.yaml names the bank that ships with drafter
OWN_BANK = "phrasebank"


@dataclass(frozen=True)
class Layers:
    """The banks a command reads, the writer's first; ``writable`` is where additions go."""

    banks: tuple[Path, ...]
    settings: Path | None = None  # the drafter.yaml that set them, if any

    @property
    def writable(self) -> Path:
        return self.banks[0]

    @property
    def layered(self) -> bool:
        return len(self.banks) > 1


def bank_label(path: Path) -> str:
    """How sources name a bank: 内置 for the bundled one, else its folder's name."""
    return "内置" if _same(path, bundled(OWN_BANK)) else path.name


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def bank_layers(root: Path, bank: Path | None = None) -> Layers:
    """The banks to read: ``bank`` alone when given, else as the workspace at ``root`` says."""
    if bank is not None:
        return Layers((bank,))
    settings = root / SETTINGS_FILE
    if settings.is_file():
        return Layers(_configured(settings, root), settings)
    own, base = root / OWN_BANK, bundled(OWN_BANK)
    if own.is_dir() and not _same(own, base):
        return Layers((own, base))
    return Layers((own if own.is_dir() else base,))


def _configured(path: Path, root: Path) -> tuple[Path, ...]:
    data, _ = load_positioned(path, BankError)
    if not isinstance(data, PosDict) or "banks" not in data:
        raise BankError("设置文件里应有 banks: 列表，写明起草时依次使用的素材库", path=path)
    listed = data["banks"]
    if not isinstance(listed, PosList) or not listed:
        line = data.at("banks")[0]
        raise BankError("banks: 应是素材库目录的列表，至少一项", path=path, line=line)
    out: list[Path] = []
    for item, (line, _) in zip(listed, listed.items_at, strict=True):
        folder = _folder(item, root, path, line)
        if not any(_same(folder, seen) for seen in out):
            out.append(folder)
    return tuple(out)


def _folder(item: Any, root: Path, path: Path, line: int) -> Path:
    if not isinstance(item, str) or not item.strip():
        raise BankError("banks: 的每一项应是一个目录名，或“内置”", path=path, line=line)
    name = item.strip()
    if name in BUNDLED_NAMES:
        return bundled(OWN_BANK)
    folder = Path(name).expanduser()
    folder = folder if folder.is_absolute() else root / folder
    if not folder.is_dir():
        raise BankError(f"素材库目录不存在：{name}", path=path, line=line)
    return folder
