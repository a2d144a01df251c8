"""Setting up a command: the store opened without creating anything, the registry resolved once and its
limit-set ids checked against the catalogue.

The registry comes from ``config`` when that file exists, else from the copy the store carries. A
``config`` path that was *given* (flag or environment) must exist: :func:`resolve_registry` with
``config_given=True`` reports it missing instead of falling back silently.
"""

from __future__ import annotations

import os
import re
import tempfile
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ultralow.app.problems import AppError, StoreMissing
from ultralow.registry import Registry, RegistryError, load_registry
from ultralow.standards import LimitCatalog, packaged_catalog
from ultralow.store import Store, StoreError, save_registry, stored_registry
from ultralow.store.reading import open_for_reading

DEFAULT_CONFIG = "ultralow.toml"


def limit_set_problems(registry: Registry, catalog: LimitCatalog | None = None) -> list[str]:
    """One ``file: outlet ID: limit_sets: …`` line per entry that names no set (or condition) of the catalogue."""
    catalog = catalog or packaged_catalog()
    known_sets = set(catalog.sets)
    known_keys = {row.set_key for row in catalog.rows} | known_sets
    where = registry.path or "registry"
    problems = []
    for outlet in registry.outlets:
        for entry in outlet.limit_sets:
            set_id = entry.split(":", 1)[0]
            line = _line_of(registry.text, outlet.id, entry)
            here = f"{where}:{line}" if line else where
            if set_id not in known_sets:
                problems.append(f"{here}: outlet {outlet.id}: limit_sets: unknown set {entry!r} "
                                f"(known: {', '.join(sorted(known_sets))})")
            elif entry not in known_keys:
                conditions = sorted(k.split(":", 1)[1] for k in known_keys if k.startswith(set_id + ":"))
                problems.append(f"{here}: outlet {outlet.id}: limit_sets: {set_id} has no condition "
                                f"{entry.split(':', 1)[1]!r} (known: {', '.join(conditions) or 'none'})")
    return problems


def _line_of(text: str | None, outlet_id: str, entry: str) -> int | None:
    """The line (1-based) of ``entry`` in the outlet's ``limit_sets`` in the registry text, if it can be found."""
    if not text:
        return None
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(rf'\s*id\s*=\s*"{re.escape(outlet_id)}"', line)), None)
    if start is None:
        return None
    for i in range(start, len(lines)):
        if i > start and lines[i].strip().startswith("[["):
            break
        if f'"{entry}"' in lines[i] or f"'{entry}'" in lines[i]:
            return i + 1
    return None


def checked_registry(registry: Registry, catalog: LimitCatalog | None = None) -> Registry:
    """``registry`` when every limit-set id is known; RegistryError naming each unknown one."""
    problems = limit_set_problems(registry, catalog)
    if problems:
        raise RegistryError(problems)
    return registry


def load_checked_registry(config: str | Path, catalog: LimitCatalog | None = None) -> Registry:
    """Read the registry file and check its limit-set ids (RegistryError with file and line)."""
    return checked_registry(load_registry(config), catalog)


def resolve_registry(config: str | Path | None, store: Store | None, *, config_given: bool | None = None,
                     catalog: LimitCatalog | None = None) -> Registry:
    """The registry for a command, checked (limit-set ids included).

    ``config`` None means the default ``ultralow.toml``. ``config_given`` (default: ``config`` is not None):
    a given path must exist. A registry read from a file is kept in the store when the store is writable.
    """
    given = config is not None if config_given is None else config_given
    path = Path(config) if config is not None else Path(DEFAULT_CONFIG)
    if path.exists():
        registry = load_checked_registry(path, catalog)
        if store is not None and not store.read_only:
            save_registry(store, registry)
        return registry
    if given:
        raise RegistryError([f"{path}:0: file: not found (--config was given; omit it to use the registry "
                             "the store carries)"])
    carried = stored_registry(store) if store is not None else None
    if carried is None:
        where = f"the store {store.path} carries no registry" if store is not None else "no store was given"
        raise RegistryError([f"{path}:0: file: not found, and {where}"])
    return checked_registry(carried, catalog)


def open_store_read_only(db: str | Path, *, bounded: bool = True) -> Store:
    """The store at ``db`` opened read-only; StoreMissing when there is no such file (none is created).
    ``bounded``: DuckDB's working memory capped as :func:`bound_memory` says (the reading commands); False
    keeps DuckDB's own limit and threads (the demo, which states its memory need and times its steps)."""
    path = Path(db)
    if not path.is_file():
        raise StoreMissing(f"{path}: store not found (give --db PATH of an existing store)")
    try:
        store = open_for_reading(path)  # a snapshot from `ultralow serve` while it holds the file
    except StoreError as exc:
        raise AppError(str(exc)) from exc
    if bounded:
        bound_memory(store)
    return store


# A reading command's DuckDB working memory when ULTRALOW_DUCKDB_MEMORY is unset: the demo year (1.6 million
# judged hours) runs in it on one thread (measured: a 1.0 GB cap on two threads ran out of memory). A store
# that needs more is judged again without the cap (lift_memory_cap), so the default never ends out of memory.
DEFAULT_READ_MEMORY = "1200MB"
DEFAULT_READ_THREADS = 1
# While the judged tables move into Arrow (the demo year's hours: 0.7 GiB, allocated outside DuckDB's limit)
# DuckDB only needs a few blocks at a time; under the default cap its working memory drops to this for the
# fetch, the engine's intermediate tables going to the spill folder (measured on the demo year: peak RSS of
# the fetch 2.0 GB with the 1200MB cap kept, see fetching()).
FETCH_READ_MEMORY = "256MB"

# stores whose DuckDB carries the default cap (not a user's ULTRALOW_DUCKDB_MEMORY, not lifted)
_DEFAULT_CAPPED: weakref.WeakSet[Store] = weakref.WeakSet()


def bound_memory(store: Store) -> None:
    """Cap DuckDB's working memory for a reading command: ``ULTRALOW_DUCKDB_MEMORY`` (e.g. 2GB) when set,
    else :data:`DEFAULT_READ_MEMORY` on :data:`DEFAULT_READ_THREADS` thread(s) (``ULTRALOW_DUCKDB_THREADS``
    overrides). Beyond the cap DuckDB spills to a temporary folder of this process. The allocator's
    background threads hand memory DuckDB has freed back to the system (else the process keeps its peak)."""
    limit = os.environ.get("ULTRALOW_DUCKDB_MEMORY")
    if limit is not None and not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", limit,
                                              flags=re.IGNORECASE):
        raise AppError(f"ULTRALOW_DUCKDB_MEMORY: {limit!r} is not a size such as 1GB or 512MB")
    threads = os.environ.get("ULTRALOW_DUCKDB_THREADS", str(DEFAULT_READ_THREADS))
    if not threads.isdigit() or int(threads) < 1:
        raise AppError(f"ULTRALOW_DUCKDB_THREADS: {threads!r} is not a whole number of threads (1 or more)")
    spill = Path(tempfile.gettempdir()) / f"ultralow-duckdb-{os.getpid()}"
    with store.lock:
        store.con.execute(f"SET memory_limit = '{limit or DEFAULT_READ_MEMORY}'")  # checked: digits and a unit
        store.con.execute(f"SET threads = {int(threads)}")
        store.con.execute("SET temp_directory = ?", [str(spill)])
        store.con.execute("SET allocator_background_threads = true")
    if limit is None:
        _DEFAULT_CAPPED.add(store)


def memory_capped_by_default() -> bool:
    """True when the reading commands' DuckDB cap is the default one (the user set none)."""
    return os.environ.get("ULTRALOW_DUCKDB_MEMORY") is None


def lift_memory_cap(store: Store) -> None:
    """DuckDB's own memory limit (80 % of RAM) and thread count again, after the default cap was too small."""
    _DEFAULT_CAPPED.discard(store)
    with store.lock:
        store.con.execute("RESET memory_limit")
        store.con.execute("RESET threads")


@contextmanager
def fetching(store: Store) -> Iterator[None]:
    """DuckDB's working memory at :data:`FETCH_READ_MEMORY` while results are fetched into Arrow, when the
    store carries the default cap; the cap back afterwards. A store opened unbounded (the demo) or capped by
    the user keeps its limit: lowering it spills the intermediate tables to disk, which costs time."""
    if store not in _DEFAULT_CAPPED:
        yield
        return
    with store.lock:
        store.con.execute(f"SET memory_limit = '{FETCH_READ_MEMORY}'")
    try:
        yield
    finally:
        if store in _DEFAULT_CAPPED:
            with store.lock:
                store.con.execute(f"SET memory_limit = '{DEFAULT_READ_MEMORY}'")


def open_store_for_writing(db: str | Path, config: str | Path | None, *, config_given: bool | None = None,
                           catalog: LimitCatalog | None = None) -> tuple[Store, Registry]:
    """The store at ``db`` opened for writing and its registry, for commands that write (``ingest``,
    ``serve``). A store that does not exist yet is created only after the registry loaded and checked:
    a failed set-up leaves nothing on disk."""
    path = Path(db)
    if path.exists():
        try:
            store = Store(path)
        except StoreError as exc:
            raise AppError(str(exc)) from exc
        try:
            return store, resolve_registry(config, store, config_given=config_given, catalog=catalog)
        except BaseException:
            store.close()
            raise
    file = Path(config) if config is not None else Path(DEFAULT_CONFIG)
    if not file.exists():
        given = "--config was given" if (config is not None if config_given is None else config_given) else \
            "the default registry file"
        raise RegistryError([f"{file}:0: file: not found ({given}), and the store {path} does not exist yet: "
                             "a new store needs a registry (give --config PATH)"])
    registry = resolve_registry(config, None, config_given=config_given, catalog=catalog)
    if not path.parent.is_dir():
        raise AppError(f"{path}: no such directory {path.parent}")
    try:
        store = Store(path)
    except StoreError as exc:
        raise AppError(str(exc)) from exc
    try:
        save_registry(store, registry)
    except BaseException:
        store.close()
        raise
    return store, registry
