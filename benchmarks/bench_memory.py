"""Peak memory of loading: the loader against the naive pandas + openpyxl loop, each path in a
fresh child process so one path's allocations do not hide in the other's peak.

Figures: the resident set sampled every 2 ms while the load runs (its peak), and how much that
peak exceeds the resident set just before the load, after the libraries were imported."""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

PATHS = ("loader", "naive")


def run() -> dict:
    """Gives peak and added MB per input (1,000 templates; the 3,321-commune sheet) and path."""
    from benchmarks.bench_load import ensure_fixtures

    from benchmarks import bench_load

    ensure_fixtures()
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="govkpi-mem-") as work:
        for kind, province in (("templates", "Gia Lai"), ("consolidated", "all")):
            empty = bench_load._fresh_warehouse(Path(work) / f"{kind}.duckdb", province)
            results[kind] = {path: _in_child(kind, path, empty) for path in PATHS}
            results[kind]["loader_over_naive_peak"] = round(
                results[kind]["loader"]["peak_mb"] / results[kind]["naive"]["peak_mb"], 2)
    return results


def _in_child(kind: str, path: str, empty: Path) -> dict:
    code = f"from benchmarks.bench_memory import child; child({kind!r}, {path!r}, {str(empty)!r})"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parent.parent)
    return json.loads(done.stdout.strip().splitlines()[-1])


def child(kind: str, path: str, empty: str) -> None:
    """Runs one load in this process (libraries already imported) and prints its memory as JSON."""
    from benchmarks import bench_load

    fixtures = bench_load.ensure_fixtures()
    files = fixtures["templates"] if kind == "templates" else [fixtures["consolidated"]]
    with tempfile.TemporaryDirectory(prefix="govkpi-mem-") as work:
        work = Path(work)
        baseline = _rss_mb()
        sampler = _Sampler()
        sampler.start()
        try:
            if path == "loader":
                bench_load._run_loader(files, Path(empty), work / "loaded.duckdb")
            else:
                bench_load._run_naive(files, work / "naive.duckdb")
        finally:
            sampler.stop()
    print(json.dumps({"peak_mb": round(sampler.peak, 1), "added_mb": round(sampler.peak - baseline, 1)}))


def _rss_mb() -> float:
    """The process's current resident set, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Sampler(threading.Thread):
    """Samples the resident set every 2 ms and keeps the highest."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = _rss_mb()
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.002):
            self.peak = max(self.peak, _rss_mb())

    def stop(self) -> None:
        self._done.set()
        self.join()
        self.peak = max(self.peak, _rss_mb())


if __name__ == "__main__":
    print(json.dumps(run(), indent=1))
