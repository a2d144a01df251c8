"""The demo group (``data/group.toml``, SYNTHETIC): its registry, and the outlets a smaller run keeps.

A run with ``--outlets N`` keeps the outlets that carry the planted incidents first (so every incident is in
every run), then one outlet of each source type in turn, so that a small run still shows the whole chain.
The registry of the chosen outlets is cut from the data file's own text (its comments kept), so that the
copy a demo store carries reads like the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from importlib import resources
from typing import Final

from ultralow.registry import Outlet, Registry, parse_registry

LABEL: Final = "ultralow demo group (synthetic): src/ultralow/demo/data/group.toml"
_OUTLET_HEADER: Final = re.compile(r"^\[\[outlets\]\]\s*$", re.MULTILINE)
_ID_LINE: Final = re.compile(r'^id\s*=\s*"([^"]+)"\s*$', re.MULTILINE)


def read_group_text() -> str:
    """The packaged demo registry as TOML text."""
    return resources.files("ultralow.demo").joinpath("data", "group.toml").read_text(encoding="utf-8")


def demo_registry(text: str | None = None) -> Registry:
    """The whole demo group (RegistryError, with line numbers, if the data file is broken)."""
    return parse_registry(text if text is not None else read_group_text(), LABEL)


def choose_outlets(registry: Registry, count: int | None, first: Sequence[str] = ()) -> list[Outlet]:
    """``count`` outlets (all when None or larger than the group): ``first`` (ids, in order), then the others
    round-robin over source types in registry order."""
    outlets = list(registry.outlets)
    if count is None or count >= len(outlets):
        return outlets
    chosen = [registry.outlet(outlet_id) for outlet_id in first][:count]
    taken = {o.id for o in chosen}
    by_type: dict[str, list[Outlet]] = {}
    for outlet in outlets:
        if outlet.id not in taken:
            by_type.setdefault(outlet.source_type, []).append(outlet)
    # source types not yet represented come first
    present = {o.source_type for o in chosen}
    queues = [q for t, q in by_type.items() if t not in present] + [q for t, q in by_type.items() if t in present]
    while len(chosen) < count and any(queues):
        for queue in queues:
            if queue and len(chosen) < count:
                chosen.append(queue.pop(0))
    return chosen


def subset_text(text: str, outlet_ids: Sequence[str]) -> str:
    """The registry text with only the ``[[outlets]]`` blocks of ``outlet_ids`` (everything before the first
    outlet block — comments, group, settings, bases — is kept as written)."""
    starts = [m.start() for m in _OUTLET_HEADER.finditer(text)]
    if not starts:
        return text
    head = text[: starts[0]]
    wanted = set(outlet_ids)
    blocks = []
    for begin, end in zip(starts, [*starts[1:], len(text)], strict=True):
        block = text[begin:end]
        found = _ID_LINE.search(block)
        if found is not None and found.group(1) in wanted:
            blocks.append(block if block.endswith("\n") else block + "\n")
    return head + "".join(blocks)


def group_for_run(count: int | None, first: Sequence[str] = ()) -> Registry:
    """The registry of a demo run: the chosen outlets of the demo group, parsed from their own text."""
    text = read_group_text()
    whole = demo_registry(text)
    chosen = choose_outlets(whole, count, first)
    if len(chosen) == len(whole.outlets):
        return whole
    return demo_registry(subset_text(text, [o.id for o in chosen]))
