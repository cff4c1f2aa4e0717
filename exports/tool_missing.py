"""The error an export raises when a system program or font it needs is not installed."""
from __future__ import annotations


class ToolMissing(RuntimeError):
    """A system program or font the export needs is not installed; the message says, in
    Vietnamese, how to install it."""
