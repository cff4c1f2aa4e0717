"""The command line: the one module that knows every part (etl, warehouse, dashboard, exports)."""
