"""The registry a store was filled with, kept inside the store (table ``registry``).

A demo store or a store handed to someone else then carries its own group description: commands fall back
to it when the ``--config`` file does not exist.
"""

from __future__ import annotations

from pathlib import Path

from ultralow.registry import Registry, RegistryError, load_registry, parse_registry
from ultralow.store.store import Store


def save_registry(store: Store, registry: Registry) -> bool:
    """Keep ``registry.text`` as the store's newest registry version; False when it is already the newest."""
    with store.lock:
        row = store.con.execute(
            "SELECT version, text FROM registry ORDER BY version DESC LIMIT 1"
        ).fetchone()
        if row is not None and row[1] == registry.text:
            return False
        version = (int(row[0]) if row is not None else 0) + 1
        store.con.execute(
            "INSERT INTO registry (version, loaded_at, path, text) VALUES (?, current_timestamp, ?, ?)",
            [version, registry.path, registry.text],
        )
        return True


def stored_registry(store: Store) -> Registry | None:
    """The newest registry kept in the store, or None."""
    with store.lock:
        row = store.con.execute(
            "SELECT version, path, text FROM registry ORDER BY version DESC LIMIT 1"
        ).fetchone()
    if row is None:
        return None
    version, path, text = row
    return parse_registry(text, f"{store.path}:registry v{version} ({path})")


def resolve_registry(config: str | Path, store: Store) -> Registry:
    """The registry from ``config`` when that file exists (then also kept in the store), else the one the
    store carries; RegistryError when there is neither."""
    if Path(config).exists():
        registry = load_registry(config)
        if not store.read_only:
            save_registry(store, registry)
        return registry
    carried = stored_registry(store)
    if carried is None:
        raise RegistryError([f"{config}:0: file: not found, and the store {store.path} carries no registry"])
    return carried
