"""The levels of local government and the statuses of a target: their order, their names in
Vietnamese and English, and their colours. The dashboard and the exports both draw with these,
so a level or a status looks the same on a page and in the deck."""
from __future__ import annotations

LEVELS = ("province", "district", "commune")  # top down; the district level ended with the reform

LEVEL_NAMES = {
    "vi": {"province": "cấp tỉnh", "district": "cấp huyện", "commune": "cấp xã"},
    "en": {"province": "province level", "district": "district level", "commune": "commune level"},
}

# One palette (Okabe-Ito based): province dark blue, district pink, commune light blue.
LEVEL_COLOURS = {"province": "#0072B2", "district": "#CC79A7", "commune": "#56B4E9"}

STATUSES = ("met", "near", "behind", "no_data", "expired")  # best first; expired: the deadline passed, no later plan

STATUS_NAMES = {
    "vi": {"met": "Đạt", "near": "Gần đạt", "behind": "Chưa đạt", "no_data": "Chưa có số liệu",
           "expired": "Hết hạn"},
    "en": {"met": "Met", "near": "Near", "behind": "Behind", "no_data": "No data", "expired": "Expired"},
}

# Colours that read on a projector and for colour-blind viewers (Okabe-Ito based).
# Expired: a darker grey than no data, never a traffic-light colour.
STATUS_COLOURS = {"met": "#009E73", "near": "#E69F00", "behind": "#D55E00", "no_data": "#9E9E9E",
                  "expired": "#616161"}

# The grades of a composite index (Decision 766/QĐ-TTg), best first, and their colours: the
# page, the deck and the workbook colour a grade alike. A score with no grade (thresholds not
# filled in) is grey.
GRADES = ("Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu")
GRADE_NAMES_EN = {"Xuất sắc": "Excellent", "Tốt": "Good", "Khá": "Fair", "Trung bình": "Average", "Yếu": "Weak"}
GRADE_COLOURS = {"Xuất sắc": "#009E73", "Tốt": "#0072B2", "Khá": "#56B4E9", "Trung bình": "#E69F00",
                 "Yếu": "#D55E00"}
UNGRADED_COLOUR = "#9E9E9E"


def grade_name(grade: str | None, lang: str = "vi") -> str:
    """Gives a grade in lang; '' for no grade."""
    if not grade:
        return ""
    return GRADE_NAMES_EN.get(grade, grade) if lang == "en" else grade


def grade_colour(grade: str | None) -> str:
    return GRADE_COLOURS.get(grade or "", UNGRADED_COLOUR)


def level_name(level: str, lang: str = "vi", capitalise: bool = False) -> str:
    name = LEVEL_NAMES[lang][level]
    return name[0].upper() + name[1:] if capitalise else name
