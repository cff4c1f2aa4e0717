"""The warehouse contract: its schema, derived tables and views (sql/), every read query
(queries/), the one SQL-file loader and the one read-only reader."""
