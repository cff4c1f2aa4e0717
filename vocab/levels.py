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


def level_name(level: str, lang: str = "vi", capitalise: bool = False) -> str:
    name = LEVEL_NAMES[lang][level]
    return name[0].upper() + name[1:] if capitalise else name
