"""The indices as a warehouse holds them: the YAML's definitions with the province's stored
settings filled in, installed into the index catalog tables (the views score from those)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from etl.index_settings import Setting, apply_settings, read_settings
from etl.indices import Index, load_indices


def install_indices(con, indices: dict[str, Index] | None = None) -> None:
    """Replaces the index catalog tables with the YAML's current content and the province's
    settings stored in the warehouse (index_settings; one the YAML now cites is left unused:
    the text wins)."""
    indices = load_indices() if indices is None else indices
    indices = apply_settings(indices, stored_settings(con), strict=False)
    rows: dict[str, list[tuple]] = {"index_versions": [], "index_groups": [], "index_criteria": [],
                                    "index_grade_bands": [], "index_criterion_steps": []}
    for index in indices.values():
        for v in index.versions:
            rows["index_versions"].append((index.code, v.version, index.name_vi, index.name_en, index.cadence,
                                           index.continuous, v.valid_from, v.valid_to, v.max_score, v.source))
            rows["index_grade_bands"] += [(index.code, v.version, b.grade, b.grade_en, b.min_score, order)
                                          for order, b in enumerate(v.grades, start=1)]
            for order, g in enumerate(v.groups, start=1):
                rows["index_groups"].append((index.code, v.version, g.code, g.name_vi, g.name_en, g.max_score,
                                             order, g.set_by or g.source))
                rows["index_criteria"] += [
                    (index.code, v.version, g.code, c.code, c.name_vi, c.name_en, c.max_score, c.rule.kind,
                     c.rule.indicators[0] if c.rule.indicators else None, c.evidence, c.verifier, number,
                     c.set_by or c.source)
                    for number, c in enumerate(g.criteria, start=1)]
                for c in g.criteria:
                    steps = c.rule.thresholds()
                    if not steps:
                        continue
                    rows["index_criterion_steps"] += [
                        (index.code, v.version, g.code, c.code, number, step.at_least, step.share, False,
                         step.set_by or c.source) for number, step in enumerate(steps, start=1)]
                    rows["index_criterion_steps"].append(  # below every step
                        (index.code, v.version, g.code, c.code, len(steps) + 1, None,
                         c.rule.else_share if c.rule.kind == "steps" else 0.0, True, c.source))
    for table, values in rows.items():
        con.execute(f"DELETE FROM {table}")
        if values:
            marks = ", ".join("?" * len(values[0]))
            con.executemany(f"INSERT INTO {table} VALUES ({marks})", values)


def indices_with_settings(con) -> dict[str, Index]:
    """The indices as the warehouse holds them: the YAML and the province's stored settings."""
    return apply_settings(load_indices(), stored_settings(con), strict=False)


def stored_settings(con) -> list[Setting]:
    """The province's settings the warehouse holds (none before the table exists)."""
    try:
        rows = con.execute("SELECT index_code, version, target, code, step, value, set_by, file_name, entry"
                           " FROM index_settings ORDER BY entry").fetchall()
    except duckdb.CatalogException:  # a connection without govkpi's schema: nothing set
        return []
    return [Setting(*row) for row in rows]


def install_index_settings(con, path: str | Path, set_at: datetime | None = None) -> list[Setting]:
    """Checks a province settings file against the indices and makes it the warehouse's settings
    (it replaces those installed before: the file is the province's whole list), then installs
    the index catalog again with them. Nothing is written when any entry is refused."""
    settings = read_settings(path)
    apply_settings(load_indices(), settings, strict=True)
    when = set_at or datetime.now().replace(microsecond=0)
    con.execute("BEGIN")
    try:
        con.execute("DELETE FROM index_settings")
        if settings:
            con.executemany("INSERT INTO index_settings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [(s.index_code, s.version, s.target, s.code, s.step, s.value, s.set_by, s.file_name,
                              s.entry, when) for s in settings])
        install_indices(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return settings
