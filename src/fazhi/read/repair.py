"""Clean-up that keeps provenance: artefacts dropped, damaged text repaired, broken lines joined.

Every change is recorded as a ``Repair`` (with the source line) or, where the text
cannot be repaired reliably, as a ``Warning``: nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fazhi.model import Block, Repair, Warning


@dataclass
class Cleaned:
    blocks: list[Block] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)


def clean_blocks(blocks: list[Block]) -> Cleaned:
    """Placeholder replaced below."""
    return Cleaned(blocks=[b for b in blocks if b.text.strip()])
