"""Puts the units' centres (data/reference/unit_points.csv) into the warehouse for the map."""
from __future__ import annotations

from importlib.resources import files

import duckdb
import pandas as pd

POINTS_CSV = files("govkpi_data").joinpath("reference", "unit_points.csv")


def install_points(con: duckdb.DuckDBPyConnection) -> int:
    """Adds the centre of every unit of this warehouse that the reference data places; gives how many."""
    points = pd.read_csv(POINTS_CSV, dtype={"unit_code": str, "era": str})
    points["unit_key"] = points["era"] + ":" + points["unit_code"]
    points = points[["unit_key", "lat", "lon", "area_km2"]]
    con.execute("DELETE FROM unit_points")
    con.execute("INSERT INTO unit_points SELECT p.* FROM points p JOIN units u USING (unit_key)")
    return con.execute("SELECT count(*) FROM unit_points").fetchall()[0][0]
