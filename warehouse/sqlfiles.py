"""The one loader of the project's .sql files, read from the installed packages through
importlib.resources so a wheel finds them as an editable install does."""
from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def read_sql(path: str) -> str:
    """Gives a shipped .sql file by its path inside the packages: 'warehouse/sql/views.sql',
    'etl/sql/supersede.sql'."""
    package, _, rest = path.partition("/")
    return files(package).joinpath(rest).read_text(encoding="utf-8")


def contract_sql(name: str) -> str:
    """Gives the warehouse contract's script `name` (schema.sql, views.sql, derived.sql)."""
    return read_sql(f"warehouse/sql/{name}")


def query_sql(name: str) -> str:
    """Gives the read query warehouse/queries/<name>.sql."""
    return read_sql(f"warehouse/queries/{name}.sql")


def query_names() -> list[str]:
    """Gives the names of every read query, sorted."""
    return sorted(p.name.removesuffix(".sql") for p in files("warehouse").joinpath("queries").iterdir()
                  if p.name.endswith(".sql"))
