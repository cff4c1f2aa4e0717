"""The province's DTI self-assessment: for each sub-index (or main index, while its version
lists no sub-indices) a value entered by an admin or reviewer, evidence files (PDF, DOCX, XLSX;
type and size checked, hashed, stored beside the warehouse, listed), the verifying unit's
sign-off (who, when) and the national rank once published.

Why the ops file and not the warehouse: these are rows people type on the web one at a time,
each with its author and time, like review decisions and comments; the warehouse has one
writer that loads files. The scores a year adds up to are read from here."""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ops import audit
from ops.intake import Refusal, evidence_refusal
from ops.store import OpsDb, connection, now_text, transaction

ENTRY_ROLES = ("admin", "reviewer")  # who enters values, attaches evidence and signs off
EVIDENCE_READERS = ("admin", "reviewer", "viewer")  # who may download evidence
PROVINCES = 63  # the national DTI ranks the provinces: 63 until the 2025 merger (34 after); a rank above is a typo


class DtiError(ValueError):
    """A self-assessment step refused, in Vietnamese then English."""


def evidence_dir(db_path: str | Path) -> Path:
    """The evidence folder beside a warehouse: data/warehouse.duckdb → data/evidence/."""
    return Path(db_path).with_name("evidence")


@dataclass(frozen=True)
class Evidence:
    evidence_id: int
    year: int
    item_code: str
    file_name: str
    file_sha256: str
    size_bytes: int
    stored_name: str
    uploaded_by: str
    uploaded_at: str


def enter_value(db: OpsDb, year: int, item_code: str, value: float, user: str, role: str,
                maximum: float | None = None, address: str | None = None, name: str | None = None) -> None:
    """Records a value for a (sub-)index in a year, from 0 to its maximum (when the catalog cites
    one); the latest entry holds. `name` words the refusal. Every write here appends its audit
    row in the same transaction (ops/audit.py), from `address` if given."""
    from vocab.vnformat import fmt_score

    _may(role)
    if value != value or value < 0 or (maximum is not None and value > maximum):
        upper = {lang: fmt_score(maximum, lang) if maximum is not None else "…" for lang in ("vi", "en")}
        raise DtiError(f"Giá trị {fmt_score(value)} của «{name or item_code}» năm {year} nằm ngoài 0..{upper['vi']}"
                       f" (điểm tối đa {upper['vi']}). / {fmt_score(value, 'en')} for {item_code} in {year} lies "
                       f"outside 0..{upper['en']} (the maximum).")
    with transaction(db) as con:
        con.execute("INSERT INTO dti_values (year, item_code, value, entered_by, entered_at) VALUES (?, ?, ?, ?, ?)",
                    (year, item_code, float(value), user, now_text()))
        audit.record(con, "dti_value", user, role, address, period=str(year),
                     detail={"item": item_code, "value": float(value)})


def attach_evidence(db: OpsDb, folder: Path, year: int, item_code: str, file_name: str, content: bytes,
                    user: str, role: str, address: str | None = None) -> Evidence:
    """Checks, hashes and stores an evidence file for a (sub-)index; raises DtiError with the
    refusal (wrong type, too large, the same file already attached)."""
    _may(role)
    name = _safe_name(file_name)
    refusal = evidence_refusal(name, content[:8], len(content))
    if refusal is not None:
        raise DtiError(_text(refusal))
    digest = hashlib.sha256(content).hexdigest()
    stored_name = digest + Path(name).suffix.lower()
    with transaction(db) as con:
        held = con.execute("SELECT file_name FROM dti_evidence WHERE year = ? AND item_code = ? AND file_sha256 = ?",
                           (year, item_code, digest)).fetchone()
        if held:
            raise DtiError(f"Tệp {name} trùng nội dung với tài liệu đã đính kèm {held[0]} (mục «{item_code}», năm {year}). / "
                           f"{name} is the same file as {held[0]}, already attached ({item_code}, {year}).")
        target = Path(folder) / stored_name
        if not target.exists():
            Path(folder).mkdir(parents=True, exist_ok=True)
            handle, staging = tempfile.mkstemp(dir=folder, suffix=".part")
            with os.fdopen(handle, "wb") as out:
                out.write(content)
            os.replace(staging, target)  # nobody sees half a file
        row = con.execute(
            "INSERT INTO dti_evidence (year, item_code, file_name, file_sha256, size_bytes, stored_name, uploaded_by,"
            " uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
            (year, item_code, name, digest, len(content), stored_name, user, now_text())).fetchone()
        audit.record(con, "dti_evidence", user, role, address, period=str(year),
                     detail={"item": item_code, "file": name, "sha256": digest, "bytes": len(content)})
    return Evidence(**dict(row))


def evidence(db: OpsDb, year: int, item_code: str | None = None) -> list[Evidence]:
    """Lists a year's evidence files (of one item, if given), oldest first."""
    with connection(db) as con:
        rows = con.execute("SELECT * FROM dti_evidence WHERE year = ? AND (? IS NULL OR item_code = ?) "
                           "ORDER BY evidence_id", (year, item_code, item_code)).fetchall()
    return [Evidence(**dict(r)) for r in rows]


def evidence_file(db: OpsDb, folder: Path, evidence_id: int, role: str | None) -> tuple[Evidence, Path]:
    """Gives an evidence file to download; only signed-in roles in EVIDENCE_READERS may."""
    if role not in EVIDENCE_READERS:
        raise PermissionError("Chỉ tài khoản được phép mới tải được tài liệu kiểm chứng. / Not allowed.")
    with connection(db) as con:
        row = con.execute("SELECT * FROM dti_evidence WHERE evidence_id = ?", (evidence_id,)).fetchone()
    if row is None:
        raise LookupError(evidence_id)
    found = Evidence(**dict(row))
    return found, Path(folder) / found.stored_name


def sign_off(db: OpsDb, year: int, item_code: str, verifier: str, user: str, role: str,
             address: str | None = None) -> None:
    """The verifying unit signs the item off for the year (who, when); an item with no value
    cannot be signed off, and whoever entered its latest value may not verify it (four eyes)."""
    _may(role)
    with transaction(db) as con:
        entered = con.execute("SELECT entered_by FROM dti_values WHERE year = ? AND item_code = ? ORDER BY seq DESC LIMIT 1",
                              (year, item_code)).fetchone()
        if entered is None:
            raise DtiError(f"«{item_code}» năm {year} chưa có giá trị để thẩm định. / {item_code} has no value for {year}.")
        if entered[0] == user:
            raise DtiError(f"{user} đã nhập giá trị «{item_code}» năm {year}, nên không tự thẩm định được; "
                           f"người khác của đơn vị thẩm định phải ký. / {user} entered {item_code} for {year} "
                           "and may not verify it; someone else must sign it off.")
        con.execute("INSERT INTO dti_signoffs (year, item_code, verifier, signed_by, signed_at) VALUES (?, ?, ?, ?, ?)",
                    (year, item_code, verifier, user, now_text()))
        audit.record(con, "dti_signoff", user, role, address, period=str(year),
                     detail={"item": item_code, "verifier": verifier})


def enter_rank(db: OpsDb, year: int, rank: int, user: str, role: str, address: str | None = None) -> None:
    """Records the province's national DTI rank for a year once it is published."""
    _may(role)
    if int(rank) < 1 or int(rank) > PROVINCES:
        raise DtiError(f"Thứ hạng {rank} năm {year} phải từ 1 đến {PROVINCES}. / "
                       f"The rank for {year} must lie between 1 and {PROVINCES}.")
    with transaction(db) as con:
        con.execute("INSERT INTO dti_ranks (year, national_rank, entered_by, entered_at) VALUES (?, ?, ?, ?)",
                    (year, int(rank), user, now_text()))
        audit.record(con, "dti_rank", user, role, address, period=str(year), detail={"rank": int(rank)})


@dataclass(frozen=True)
class Item:
    item_code: str
    value: float | None
    entered_by: str | None
    entered_at: str | None
    verifier: str | None
    signed_by: str | None
    signed_at: str | None
    evidence_count: int


def assessment(db: OpsDb, year: int) -> dict[str, Item]:
    """Gives each item's latest value and sign-off for a year, with its evidence count."""
    with connection(db) as con:
        values = {r["item_code"]: r for r in con.execute(
            "SELECT * FROM dti_values WHERE year = ? AND seq IN (SELECT max(seq) FROM dti_values WHERE year = ? "
            "GROUP BY item_code)", (year, year))}
        signed = {r["item_code"]: r for r in con.execute(
            "SELECT * FROM dti_signoffs WHERE year = ? AND seq IN (SELECT max(seq) FROM dti_signoffs WHERE year = ? "
            "GROUP BY item_code)", (year, year))}
        counts = dict(con.execute("SELECT item_code, count(*) FROM dti_evidence WHERE year = ? GROUP BY item_code",
                                  (year,)).fetchall())
    items = {}
    for code in sorted(set(values) | set(signed) | set(counts)):
        v, s = values.get(code), signed.get(code)
        items[code] = Item(code, v["value"] if v else None, v["entered_by"] if v else None, v["entered_at"] if v else None,
                           s["verifier"] if s else None, s["signed_by"] if s else None, s["signed_at"] if s else None,
                           int(counts.get(code, 0)))
    return items


def years(db: OpsDb) -> list[int]:
    """The years the province has entered a value for, newest first."""
    with connection(db) as con:
        return [r[0] for r in con.execute("SELECT DISTINCT year FROM dti_values ORDER BY year DESC")]


def national_rank(db: OpsDb, year: int) -> int | None:
    with connection(db) as con:
        row = con.execute("SELECT national_rank FROM dti_ranks WHERE year = ? ORDER BY seq DESC LIMIT 1", (year,)).fetchone()
    return row[0] if row else None


def pillar_scores(items: dict[str, Item], pillars: dict[str, list[str]]) -> dict[str, float | None]:
    """Gives each pillar's score: the sum of its entered items (a pillar whose version lists no
    sub-indices is its own item); None while none of its items has a value."""
    scores = {}
    for pillar, codes in pillars.items():
        got = [items[c].value for c in (codes or [pillar]) if c in items and items[c].value is not None]
        scores[pillar] = sum(got) if got else None
    return scores


def targets(year: int, path: Path | None = None) -> dict[str, float]:
    """Gives the province's own target per pillar for a year (data/catalog/dti_targets.yaml);
    a pillar it has not set is absent."""
    import yaml
    from importlib.resources import files

    source = Path(path) if path else Path(str(files("govkpi_data").joinpath("catalog", "dti_targets.yaml")))
    data = yaml.safe_load(source.read_text(encoding="utf-8")) if source.exists() else None
    year_targets = (data or {}).get(year) or {}
    return {code: float(v) for code, v in year_targets.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


def _may(role: str) -> None:
    if role not in ENTRY_ROLES:
        raise PermissionError(f"Vai trò {role} không được nhập tự đánh giá DTI. / The {role} role may not enter the DTI self-assessment.")


def _safe_name(name: str) -> str:
    base = re.split(r"[\\/]", name or "")[-1]
    return "".join(ch for ch in base if ch.isprintable()).strip() or "evidence"


def _text(refusal: Refusal) -> str:
    return f"{refusal.message_vi} / {refusal.message_en}"
