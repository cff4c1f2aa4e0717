"""Plausible figures for a demo unit and quarter: rates climb from 2019 toward the plans'
targets, each unit has its own size and its own lag, and every part stays within its whole."""
from __future__ import annotations

import random
import zlib

from etl.catalog import Metric
from vocab.periods import Period

# Per level: (size of a quarter's work records, staff, services, sub-agencies).
SIZES = {"province": (2500, 90, 110, 4), "district": (4000, 220, 260, 25), "commune": (600, 24, 110, 2)}
# Rates at the start (2019Q1) and at the end of the trend (2026Q4), per level.
RATES = {
    "work_records_online": {"province": (0.62, 0.97), "district": (0.42, 0.86), "commune": (0.12, 0.58)},
    "docs_sent_electronic": {"province": (0.72, 0.99), "district": (0.6, 0.96), "commune": (0.35, 0.9)},
    "docs_sent_signed": {"province": (0.6, 0.98), "district": (0.5, 0.95), "commune": (0.2, 0.85)},
    "dossiers_online": {"province": (0.06, 0.7), "district": (0.04, 0.55), "commune": (0.02, 0.45)},
    "dossiers_on_time": {"province": (0.9, 0.99), "district": (0.86, 0.98), "commune": (0.8, 0.97)},
    "services_level4": {"province": (0.04, 0.45), "district": (0.02, 0.35), "commune": (0.01, 0.3)},
    "services_level3": {"province": (0.15, 0.3), "district": (0.1, 0.25), "commune": (0.05, 0.2)},
    "services_full_online": {"province": (0.3, 0.6), "district": (0.25, 0.5), "commune": (0.2, 0.45)},
    "services_partial_online": {"province": (0.25, 0.35), "district": (0.25, 0.35), "commune": (0.2, 0.3)},
    "staff_with_computer": {"province": (0.88, 1.0), "district": (0.8, 0.99), "commune": (0.6, 0.95)},
    "agencies_with_signature": {"province": (0.7, 1.0), "district": (0.6, 1.0), "commune": (0.3, 1.0)},
    "agencies_on_network": {"province": (0.75, 1.0), "district": (0.65, 1.0), "commune": (0.4, 0.95)},
    "agencies_with_it_staff": {"province": (0.4, 0.9), "district": (0.3, 0.8), "commune": (0.1, 0.6)},
    # Decision 2629/QĐ-TTg metrics (reported from 2025Q3): toàn trình over the eligible
    # procedures, satisfaction, digitised dossiers and results, reuse of digitised data.
    "services_full_online_eligible": {"province": (0.5, 0.95), "district": (0.5, 0.9), "commune": (0.4, 0.9)},
    "service_ratings_satisfied": {"province": (0.8, 0.96), "district": (0.8, 0.95), "commune": (0.75, 0.94)},
    "dossiers_digitized": {"province": (0.2, 0.85), "district": (0.15, 0.8), "commune": (0.1, 0.7)},
    "results_digitized": {"province": (0.25, 0.9), "district": (0.2, 0.85), "commune": (0.1, 0.75)},
    "dossiers_data_reused": {"province": (0.05, 0.5), "district": (0.05, 0.45), "commune": (0.02, 0.35)},
}
TREND_QUARTERS = 32  # 2019Q1 .. 2026Q4


def unit_values(unit: tuple, quarter: Period, metrics: list[Metric]) -> dict[str, int]:
    """Gives a unit's figures for a quarter; unit is (unit_key, code, name, level, ...)."""
    unit_key, level = unit[0], unit[3]
    traits = random.Random(zlib.crc32(unit_key.encode()))
    size = 0.5 + traits.random()
    lag = -traits.uniform(0.12, 0.25) if traits.random() < 0.18 else traits.uniform(-0.04, 0.05)
    noise = random.Random(zlib.crc32(f"{unit_key}{quarter.code}".encode()))
    progress = min(((quarter.year - 2019) * 4 + quarter.number - 1) / TREND_QUARTERS, 1.0)
    records, staff, services, agencies = (max(1, round(s * size)) for s in SIZES[level])

    def share(metric: str) -> float:
        start, end = RATES[metric][level]
        rate = start + (end - start) * progress ** 0.8 + lag + noise.uniform(-0.03, 0.03)
        return min(max(rate, 0.0), 1.0)

    def part(whole: int, metric: str) -> int:
        return min(whole, round(whole * share(metric)))

    work_total = round(records * noise.uniform(0.85, 1.15))
    docs_total = round(records * 0.8 * noise.uniform(0.85, 1.15))
    electronic = part(docs_total, "docs_sent_electronic")
    dossiers = round(records * 1.6 * noise.uniform(0.8, 1.2))
    resolved = round(dossiers * noise.uniform(0.9, 0.99))
    staff_total = round(staff * (1 + 0.01 * progress))
    services_total = services + round(10 * progress)
    level4 = part(services_total, "services_level4")
    level3 = min(part(services_total, "services_level3"), services_total - level4)
    full = part(services_total, "services_full_online")
    values = {
        "work_records_total": work_total,
        "work_records_online": part(work_total, "work_records_online"),
        "docs_sent_total": docs_total,
        "docs_sent_electronic": electronic,
        "docs_sent_signed": part(electronic, "docs_sent_signed"),
        "docs_received_total": round(docs_total * 2.4),
        "docs_axis_sent": round(docs_total * 0.3 * progress),
        "docs_axis_received": round(docs_total * 0.6 * progress),
        "services_total": services_total,
        "services_level4": level4,
        "services_level3": level3,
        "services_level2": max(0, min(services_total - level4 - level3, round(services_total * 0.4))),
        "services_full_online": full,
        "services_partial_online": min(part(services_total, "services_partial_online"), services_total - full),
        "dossiers_total": dossiers,
        "dossiers_online": part(dossiers, "dossiers_online"),
        "dossiers_resolved": resolved,
        "dossiers_on_time": part(resolved, "dossiers_on_time"),
        "staff_total": staff_total,
        "staff_with_computer": part(staff_total, "staff_with_computer"),
        "email_accounts": round(staff_total * (0.7 + 0.25 * progress)),
        "signature_certs": round(staff_total * (0.2 + 0.3 * progress)),
        "agencies_total": agencies,
        "agencies_with_signature": part(agencies, "agencies_with_signature"),
        "agencies_on_network": part(agencies, "agencies_on_network"),
        "agencies_with_it_staff": part(agencies, "agencies_with_it_staff"),
    }
    # Decision 2629 metrics, drawn after the others so the older figures keep their values;
    # the procedures eligible for toàn trình are at least those already fully online.
    eligible = max(full, min(services_total, round(full / max(share("services_full_online_eligible"), 0.05))))
    ratings = round(dossiers * 0.3 * noise.uniform(0.8, 1.2))
    digitized = part(dossiers, "dossiers_digitized")
    values.update({
        "services_eligible_full_online": eligible,
        "service_ratings_total": ratings,
        "service_ratings_satisfied": part(ratings, "service_ratings_satisfied"),
        "dossiers_digitized": digitized,
        "results_digitized": part(resolved, "results_digitized"),
        "dossiers_data_reused": part(digitized, "dossiers_data_reused"),
    })
    return {m.code: values[m.code] for m in metrics}
