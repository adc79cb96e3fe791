"""What the bank offers each curated theme: material per dimension, and which part counts draft."""

from __future__ import annotations

from dataclasses import dataclass

from drafter.bank.themes import PART_COUNTS
from drafter.drafting.composer import Composer
from drafter.drafting.index import BankIndex
from drafter.drafting.model import DraftRequest
from drafter.errors import DraftError

_KINDS = ("heading", "point", "part_lead", "quotation")


@dataclass(frozen=True)
class ThemeStatus:
    name: str
    aliases: tuple[str, ...]
    dimensions: dict[int, tuple[str, ...]]
    material: dict[str, int]  # kind -> entries serving the theme's dimensions
    draftable: dict[int, bool]  # part count -> a draft can be made


def theme_overview(index: BankIndex) -> list[ThemeStatus]:
    """Each theme of the theme book with its material and which part counts work."""
    out = []
    for theme in index.themes.themes:
        dims = {d for ds in theme.dimensions.values() for d in ds}
        material = {
            kind: sum(1 for rec in index.of(kind) if dims & set(rec.dims)) for kind in _KINDS
        }
        draftable = {}
        for parts in PART_COUNTS:
            try:
                Composer(index, DraftRequest(theme=theme.name, parts=parts, seed=1)).compose()
                draftable[parts] = True
            except DraftError:
                draftable[parts] = False
        out.append(ThemeStatus(theme.name, theme.aliases, theme.dimensions, material, draftable))
    return out
