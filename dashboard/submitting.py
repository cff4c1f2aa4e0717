"""Taking workbooks from the web, for the upload page and the API alike: checked at the door
(size, type), stored and queued for the one writer with the sender's allowed units, then waited
for, so the sender sees each problem at once.

The web process never opens the warehouse for writing: etl.writer loads the queue."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO

from ops.accounts import User
from ops.intake import MAX_FILE_BYTES, Refusal, size_refusal, type_refusal
from ops.queue import JobResult, UploadQueue, safe_name

WAIT_S = 90.0  # a busy writer takes a group of 50 files at a time; the loader needs ~1 s for the biggest
CHUNK = 1 << 20


@dataclass(frozen=True)
class Outcome:
    """What became of one sent file. `status`: accepted | rejected | duplicate | forbidden
    (another unit's figures) | failed (a system error) | refused (at the door, never queued) |
    queued (still waiting when the wait ended)."""

    file_name: str
    status: str
    problems: list[dict] = field(default_factory=list)  # severity, sheet, cell, code, message_vi, message_en
    submission_id: int | None = None
    job_id: int | None = None
    published: bool = False

    def as_json(self, lang: str = "vi") -> dict:
        """The API's answer: status, submission_id and problems with the message in `lang`."""
        return {"file": self.file_name, "status": self.status, "submission_id": self.submission_id,
                "job_id": self.job_id, "published": self.published,
                "problems": [{"severity": p.get("severity"), "sheet": p.get("sheet"), "cell": p.get("cell"),
                              "code": p.get("code"),
                              "message": p.get("message_en" if lang == "en" else "message_vi")}
                             for p in self.problems]}


def allowed_units(user: User) -> list[str] | None:
    """The unit_keys a sender may report for; None for an admin (any unit)."""
    return None if user.role == "admin" else list(user.units)


def submit(stream: IO[bytes], file_name: str | None, user: User, warehouse_path: str | Path,
           period: str | None = None, submitted: date | None = None, wait_s: float = WAIT_S) -> Outcome:
    """Checks, stores, queues and waits for one workbook read from `stream`. The size is counted
    while copying (a Content-Length can lie), so an oversized file is refused without keeping it."""
    queue = UploadQueue(warehouse_path)
    name = safe_name(file_name or "", "tep")
    queue.uploads.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(dir=queue.uploads, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            head, size = b"", 0
            while block := stream.read(CHUNK):
                head = head or block[:8]
                size += len(block)
                if size > MAX_FILE_BYTES:
                    return _refused(name, size_refusal(name, size + _remaining(stream)))
                out.write(block)
        refusal = type_refusal(name, head)
        if refusal:
            return _refused(name, refusal)
        job = queue.enqueue(staging, user.name, period=period, submitted=submitted, file_name=name,
                            allowed_units=allowed_units(user))
    finally:
        Path(staging).unlink(missing_ok=True)  # the queue keeps its own copy under its digest
    return outcome_of(queue.wait(job, timeout=wait_s), name)


def outcome_of(result: JobResult, file_name: str | None = None) -> Outcome:
    """What a queued file's result says so far: 'queued' until the writer has loaded it."""
    name = file_name or result.file_name or ""
    if not result.done:
        return Outcome(name, "queued", job_id=result.job_id)
    return Outcome(name, result.status, result.problems, result.submission_id, result.job_id, result.published)


def _refused(name: str, refusal: Refusal | None) -> Outcome:
    return Outcome(name, "refused", [refusal.as_problem()] if refusal else [])


def _remaining(stream: IO[bytes]) -> int:
    """Counts the rest of an oversized stream without keeping it (to name its size)."""
    total = 0
    while block := stream.read(CHUNK):
        total += len(block)
    return total
