"""The catalog (catalog/*.yaml) and the reference units (reference/*.csv), shipped in the wheel as
the package govkpi_data and read only through importlib.resources.files("govkpi_data")."""
