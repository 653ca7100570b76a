"""A read-only DuckDB dialect for Great Expectations (`duckdb+copilot_readonly:///<path>`).

duckdb-engine's connection doubles as its cursor, so the ROLLBACK that SQLAlchemy issues when a
connection goes back to its pool discards the open result. Great Expectations 1.x reads its metric
results after it has returned the connection (`execute_query` closes it first), so every metric comes
back empty (`IndexError: list index out of range` in `resolve_metric_bundle`). Validation only
reads, so this dialect runs DuckDB in autocommit: no BEGIN, COMMIT or ROLLBACK is ever sent. It also
decodes a percent-encoded database path (SQLAlchemy does not), so any file name fits in the URL.

Registered with SQLAlchemy by `register()` (the validation module calls it) and by the package's
`sqlalchemy.dialects` entry point, so a plain `great_expectations` session can open the project too.
"""

from __future__ import annotations

import atexit
import gc
import sys
import weakref
from typing import Any
from urllib.parse import quote, unquote

from duckdb_engine import Dialect
from sqlalchemy.dialects import registry
from sqlalchemy.engine import URL

DRIVER = "copilot_readonly"
SCHEME = f"duckdb+{DRIVER}"


class ReadOnlyDuckDBDialect(Dialect):
    """duckdb-engine without transactions (for reading only), with percent-decoded file paths."""

    driver = DRIVER
    supports_statement_cache = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _DIALECTS.add(self)

    def do_begin(self, dbapi_connection: Any) -> None:
        """No transaction: each statement runs on its own (autocommit)."""

    def do_commit(self, dbapi_connection: Any) -> None:
        """Nothing to commit: the connection only reads."""

    def do_rollback(self, dbapi_connection: Any) -> None:
        """Nothing to roll back; a ROLLBACK would discard the connection's open result."""

    def connect(self, *cargs: Any, **cparams: Any) -> Any:
        connection = super().connect(*cargs, **cparams)
        _CONNECTIONS.add(connection)
        return connection

    def create_connect_args(self, url: URL) -> tuple[tuple[Any, ...], dict[str, Any]]:
        cargs, cparams = super().create_connect_args(url)
        if isinstance(cparams.get("database"), str):
            cparams["database"] = unquote(cparams["database"])
        return cargs, cparams


_DIALECTS: weakref.WeakSet[ReadOnlyDuckDBDialect] = weakref.WeakSet()
_CONNECTIONS: weakref.WeakSet[Any] = weakref.WeakSet()
_exit_hook: list[bool] = []


def url_path(path: str) -> str:
    """A file path as the path part of a `duckdb+copilot_readonly:///` URL (percent-encoded)."""
    return quote(path, safe="/")


def register() -> None:
    """Make `duckdb+copilot_readonly://` known to SQLAlchemy in this process (and keep its exit quiet)."""
    registry.register(f"duckdb.{DRIVER}", __name__, "ReadOnlyDuckDBDialect")
    if not _exit_hook:
        _exit_hook.append(True)
        atexit.register(_release_duckdb_objects)


def close_connections() -> None:
    """Close every DuckDB connection this dialect opened in this process (GX keeps engines, and so
    pooled connections, for as long as its data context lives; DuckDB refuses a connection with
    another configuration to a file that is still open)."""
    for connection in list(_CONNECTIONS):
        if not connection.closed:
            connection.close()
    _CONNECTIONS.clear()


def _release_duckdb_objects() -> None:
    """At exit, with Great Expectations imported, duckdb's type objects (its module constants and
    the result-type caches SQLAlchemy keys by them) outlive duckdb's extension module, and nanobind
    prints a page of harmless "leaked instance" lines. Dropping them first keeps stderr readable."""
    for dialect in list(_DIALECTS):
        dialect._type_memos.clear()
    for name in ("duckdb.sqltypes", "_duckdb._sqltypes", "duckdb.value.constant", "duckdb.typing"):
        module = sys.modules.get(name)
        for attr, value in list(vars(module).items()) if module is not None else []:
            if _is_duckdb_type(value) or (isinstance(value, list) and any(_is_duckdb_type(v) for v in value)):
                delattr(module, attr)
    gc.collect()


def _is_duckdb_type(value: object) -> bool:
    return type(value).__name__ == "DuckDBPyType"
