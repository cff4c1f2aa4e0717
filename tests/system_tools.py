"""The Debian tools the export tests drive (LibreOffice, poppler): missing in CI is a failure
(`make sysdeps` installs them), missing on a developer's machine a skip."""
from __future__ import annotations

import os
import shutil

import pytest


def need_tools(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"tools missing in CI: {missing} (run `make sysdeps`)")
        pytest.skip(f"tools missing: {missing}")
