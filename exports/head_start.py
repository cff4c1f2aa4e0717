"""A report export's helpers started as `govkpi` starts, before the command line's own imports
(typer, rich, duckdb: ≈0.3 s): the charts' child, which imports matplotlib and draws the
report's pictures (exports/charts.py Pictures), and for a PDF the LibreOffice that converts it
(exports/pdf.py converter_for). Both are on a cold report's critical path, so each tenth of a
second they start sooner is a tenth off `govkpi export docx|pdf` (issue 8).

    begin(sys.argv[1:])                  # govkpi/launch.py, first thing
    pictures = take_pictures()           # exports._write: the child started here, or None
    early = converter_for(db_path)       # the LibreOffice started here for that file, or as before

A guess from the arguments alone: the command line still parses them and decides. Nothing is
started for a document already kept beside the warehouse (exports/cache.py) or when the period
is not given (LibreOffice then starts as before, once the command knows it must write); a helper
the export does not take is ended at exit."""
from __future__ import annotations

import atexit
from pathlib import Path

from exports.tool_missing import ToolMissing

REPORT_KINDS = ("docx", "pdf")
# The export command's options that take a value (govkpi/cli.py export).
VALUED = ("--period", "-o", "--output", "--lang", "--db")

_pictures = None
_converter: tuple[Path, object] | None = None  # (the file read, its EarlyConverter or None: a warm one converts)


def begin(argv: list[str]) -> None:
    """Starts the helpers of `govkpi export docx|pdf …` given these arguments; nothing otherwise."""
    global _pictures, _converter
    wanted = _report_export(argv)
    if wanted is None:
        return
    kind, options = wanted
    read_path = _unkept(kind, options)
    if read_path is None:
        return
    from exports.charts import Pictures

    _pictures = Pictures.start()  # before LibreOffice starts: the child must not hold its pipe
    atexit.register(_close_untaken)
    if kind == "pdf" and _prints_the_report():
        from exports.pdf import converter_for as start_converter

        _converter = (read_path, start_converter(read_path))


def _prints_the_report() -> bool:
    """Whether the report's font is drawn with its metrics here (exports.fonts, remembered for the
    export's own check): where it is not, the export refuses the PDF, and no LibreOffice starts."""
    from exports.fonts import REPORT_FONT, require_fonts

    try:
        require_fonts(REPORT_FONT)
    except ToolMissing:
        return False
    return True


def take_pictures():
    """The charts' child started with the command, once; None when none was."""
    global _pictures
    pictures, _pictures = _pictures, None
    return pictures


def converter_for(db_path: str | Path):
    """exports.pdf.converter_for(db_path), decided as the command started when it was for this file."""
    global _converter
    decided, _converter = _converter, None
    if decided is not None:
        if decided[0] == Path(db_path):
            return decided[1]
        if decided[1] is not None:
            decided[1].close()
    from exports.pdf import converter_for as start_converter

    return start_converter(db_path)


def _report_export(argv: list[str]) -> tuple[str, dict[str, str]] | None:
    """(kind, {option: value}) of `export KIND [options]` when KIND is a report; else None."""
    if not argv or argv[0] != "export" or "--help" in argv:
        return None
    options: dict[str, str] = {}
    positional: list[str] = []
    args = iter(argv[1:])
    for arg in args:
        name, equals, value = arg.partition("=")
        if name in VALUED:
            options[name] = value if equals else next(args, "")
        elif not arg.startswith("-"):
            positional.append(arg)
    if not positional or positional[0] not in REPORT_KINDS:
        return None
    return positional[0], options


def _unkept(kind: str, options: dict[str, str]) -> Path | None:
    """The warehouse file the export will read, when the document is not kept beside it; None
    when it is, or when the period is not given or the arguments are wrong (the command says so)."""
    from exports.cache import cached_path
    from vocab.periods import parse_code, today
    from warehouse.paths import DEFAULT_DB, reading_path

    if not options.get("--period"):
        return None
    try:
        read_path = reading_path(options.get("--db") or DEFAULT_DB)
        kept = cached_path(kind, parse_code(options["--period"]).code, read_path, options.get("--lang") or "vi", today())
    except (ValueError, OSError):
        return None
    return None if kept.exists() else read_path


def _close_untaken() -> None:
    pictures = take_pictures()
    if pictures is not None:
        pictures.close()
    global _converter
    decided, _converter = _converter, None
    if decided is not None and decided[1] is not None:
        decided[1].close()
