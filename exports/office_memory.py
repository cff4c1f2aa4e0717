"""The environment LibreOffice is started in: its memory allocator's settings.

Converting the report, LibreOffice allocates and frees a block of 64–128 MB again and again.
Above glibc's mmap threshold (at most 32 MB by default) each is a new mapping, zeroed page by
page as it is touched: ~300,000 page faults, 0.6 s of kernel time in a 1.2 s conversion
(`/usr/bin/time -v soffice --convert-to pdf` of the Gia Lai report). Taken from the heap and
kept there (mmap threshold 128 MB, trim threshold 256 MB), the same conversion takes 0.75 s and
peaks 50 MB higher. glibc ignores tunables it does not know; other C libraries ignore the variable."""
from __future__ import annotations

import os
from collections.abc import Mapping

OFFICE_MALLOC = "glibc.malloc.mmap_threshold=134217728:glibc.malloc.trim_threshold=268435456"


def office_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Gives the environment (this process's, or `base`) with LibreOffice's allocator settings
    added after any tunables already set."""
    env = dict(os.environ if base is None else base)
    current = env.get("GLIBC_TUNABLES")
    env["GLIBC_TUNABLES"] = f"{current}:{OFFICE_MALLOC}" if current else OFFICE_MALLOC
    return env
