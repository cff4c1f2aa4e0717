"""The demo's monthly 766 scores: one consolidated table per month for every department and
commune of the demo province, as the national portal publishes them, loaded through the loader.

Each unit keeps a character (some lead, some lag) and drifts month to month; a few rows state a
total their groups do not add up to, so the sum check shows its warning.

No text we could cite gives the 766 grade thresholds; the demo province fills them in as any
province would, through its own settings file (`write_demo_settings`, installed by
etl.index_catalog.install_index_settings), labelled as the demo province's figures."""
from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import openpyxl
import yaml

from etl.index_settings import SETTINGS_FILE
from etl.indices import Index, IndexVersion
from vocab.periods import Period, month_of

MONTHS = 12
MISMATCH_EVERY = 4  # every fourth month one row states a total its groups do not add up to
DEMO_SET_BY = ("Tỉnh mẫu (govkpi demo): ngưỡng minh họa do tỉnh mẫu tự đặt, "
               "không phải số liệu của Quyết định 766/QĐ-TTg")
# Illustrative bands for the demo only: every score from the band's minimum, the best first.
DEMO_GRADES = {"Xuất sắc": 90, "Tốt": 80, "Khá": 65, "Trung bình": 50}


def write_index_demo(folder: Path, index: Index, units: list[tuple[str, str, str]], today: date,
                     seed: int = 766) -> list[Path]:
    """Writes the last twelve ended months' score tables for `units` (unit_code, unit_name, level)."""
    rng = random.Random(seed)
    character = {code: rng.uniform(0.55, 0.95) for code, _, _ in units}
    months = [month_of(today)]
    for _ in range(MONTHS):
        months.insert(0, months[0].previous())
    months = months[:-1]  # the running month is not published yet
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for step, month in enumerate(months):
        version = index.version_for(month)
        if version is None or any(g.max_score is None for g in version.groups):
            continue
        rows = []
        odd_one = rng.randrange(len(units)) if step % MISMATCH_EVERY == 0 else None
        for number, (code, name, _level) in enumerate(units):
            level_now = min(0.99, character[code] + 0.01 * step + rng.uniform(-0.04, 0.04))
            groups = [round(g.max_score * min(1.0, max(0.0, level_now + rng.uniform(-0.08, 0.08))), 2)
                      for g in version.groups]
            total = round(sum(groups), 2)
            if number == odd_one:
                total = round(min(version.max_score or total, total + rng.uniform(1, 4)), 2)
            rows.append((code, name, *groups, total))
        files.append(write_score_table(folder / f"chi_so_766_{month.code}.xlsx", version, month, rows))
    return files


def write_score_table(path: Path, version: IndexVersion, period: Period, rows: list[tuple]) -> Path:
    """Writes a table of published scores: titles, "Mã đơn vị", "Tên đơn vị", the groups, "Tổng điểm"."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Chỉ số 766"
    sheet["A1"] = "UBND TỈNH GIA LAI"
    sheet["A2"] = f"KẾT QUẢ CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP {period.label('vi').upper()}"
    sheet.append([])
    sheet.append(["STT", "Mã đơn vị", "Tên đơn vị", *(g.name_vi for g in version.groups), "Tổng điểm"])
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    book.save(path)
    return path


def write_demo_settings(folder: Path, version: str = "2022") -> Path:
    """Writes the demo province's own settings file: the 766 grade thresholds no cited text gives."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SETTINGS_FILE
    body = {"set_by": DEMO_SET_BY,
            "settings": [{"index": "766", "version": version, "grade": grade, "min_score": minimum}
                         for grade, minimum in DEMO_GRADES.items()]}
    path.write_text(f"# Số liệu do tỉnh mẫu điền (không phải của văn bản): govkpi index-settings {SETTINGS_FILE}\n"
                    + yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
