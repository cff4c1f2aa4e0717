"""Figures from repeated runs on a shared machine, where one run's time can swing by half."""
from __future__ import annotations


def median_run(runs: list[dict], key: str) -> dict:
    """The run whose `key` (its seconds) is the median: the figures of one real run, not a mix."""
    return sorted(runs, key=lambda run: run[key])[len(runs) // 2]
