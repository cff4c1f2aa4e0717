"""Entering the DTI self-assessment from the browser: Flask POST routes behind the forms of the
page /chi-so/dti (dashboard/pages/dti_entry.py): a (sub-)index's value, its evidence files, the
verifying unit's sign-off, the national rank. Each checks the session's CSRF token (auth._gate),
the role on the server (ops.dti.ENTRY_ROLES: admin and reviewer; anyone else 403, nothing
written), and answers 303 back to the page with the outcome (PRG, as dashboard/reviews.py).

Thin over ops/dti.py, which checks, writes and audits. What the items of a year are (the
version in force on 31 December: its sub-indices, or each main index while the version lists
none), their maxima and verifying units are read from the catalog in the warehouse here, once,
for the page and for `govkpi dti` alike."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Flask, Response, current_app, request

from dashboard.auth import require
from dashboard.reviews import _back, in_lang
from ops import dti
from vocab.i18n import norm_lang, t
from vocab.vnformat import fmt_score, parse_score

PAGE_PATH = "/chi-so/dti"
VALUE_PATH = "/chi-so/dti/gia-tri"
EVIDENCE_PATH = "/chi-so/dti/tai-lieu"
SIGNOFF_PATH = "/chi-so/dti/tham-dinh"
RANK_PATH = "/chi-so/dti/xep-hang"
# Who verifies a main index when the version lists no sub-indices (a sub-index names its own
# verifier in data/catalog/indices/dti.yaml): the province's Department of Science and Technology,
# in charge of digital transformation since 2025 (Decision 405/QĐ-BKHCN is its ministry's). Its
# name is read from the agencies' catalog (data/reference/agencies.csv), never typed.
VERIFYING_AGENCY = "SKHCN"

Read = Callable[..., list[dict]]  # (query name, **params) → rows, from the page's or the CLI's reader


@dataclass(frozen=True)
class DtiItem:
    """A (sub-)index the province enters a value for: its pillar (main index), its maximum (None
    when the catalog cites none) and the unit that verifies it."""
    code: str
    pillar: str
    name_vi: str
    name_en: str
    max_score: float | None
    verifier: str | None

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_vi


def year_items(read: Read, year: int) -> tuple[str | None, list[DtiItem]]:
    """Gives the DTI version in force on 31 December of `year` and its items, in the decision's
    order; (None, []) when no version is in force."""
    groups = read("index_groups_in_force", index="dti", day=f"{int(year):04d}-12-31")
    if not groups:
        return None, []
    version = str(groups[0]["version"])
    agency = agency_name(VERIFYING_AGENCY)
    items = []
    for group in groups:
        criteria = read("index_criteria", index="dti", version=version, group=group["group_code"])
        for row in criteria or [group]:
            items.append(DtiItem(
                row.get("criterion_code") or row["group_code"], group["group_code"], row["name_vi"],
                row.get("name_en") or row["name_vi"], _number(row["max_score"]),
                row.get("verifier") or agency))
    return version, items


def agency_name(code: str) -> str | None:
    """A provincial agency's name in the reference catalog (data/reference/agencies.csv), the
    post-reform name first."""
    import csv
    import io
    from importlib.resources import files

    text = files("govkpi_data").joinpath("reference", "agencies.csv").read_text(encoding="utf-8")
    names = {row["era"]: row["agency_name"] for row in csv.DictReader(io.StringIO(text)) if row["agency_code"] == code}
    return names.get("new") or names.get("old")


def pillars_of(items: list[DtiItem]) -> dict[str, list[str]]:
    """Each pillar's item codes, as ops.dti.pillar_scores takes them (a main index standing for
    itself gives an empty list)."""
    pillars: dict[str, list[str]] = {}
    for item in items:
        pillars.setdefault(item.pillar, [])
        if item.code != item.pillar:
            pillars[item.pillar].append(item.code)
    return pillars


def parse_value(text: str) -> float | None:
    """Reads a score as people type it: '8,5' (Vietnamese), '8.5', '72'; None when no number."""
    value = parse_score((text or "").strip()) if (text or "").strip() else None
    return value if value is not None and value == value and abs(value) != float("inf") else None


def register_dti_forms(server: Flask) -> None:
    """Adds the self-assessment's POST routes to the dashboard's Flask server."""

    @server.post(VALUE_PATH)
    def dti_value() -> Response:
        user = require(dti.ENTRY_ROLES)
        lang = _lang()
        year, item, refused = _target(lang)
        if refused:
            return refused
        raw = request.form.get("value", "")
        value = parse_value(raw)
        if value is None:
            return _to_page(year, "error", t("dti_bad_value", lang, value=raw.strip()[:40], item=item.name(lang)), lang)
        return _engine(lambda: dti.enter_value(_ops_db(), year, item.code, value, user.name, user.role,
                                               maximum=item.max_score, address=request.remote_addr,
                                               name=item.name_vi),
                       year, t("dti_value_done", lang, item=item.name(lang), value=fmt_score(value, lang), year=year),
                       lang)

    @server.post(EVIDENCE_PATH)
    def dti_evidence() -> Response:
        user = require(dti.ENTRY_ROLES)
        lang = _lang()
        year, item, refused = _target(lang)
        if refused:
            return refused
        files = [f for f in request.files.getlist("file") if f and f.filename]
        if not files:
            return _to_page(year, "error", t("dti_no_file", lang), lang)
        lines, failed = [], False
        for sent in files:
            try:
                found = dti.attach_evidence(_ops_db(), current_app.config["GOVKPI_EVIDENCE_DIR"], year, item.code,
                                            sent.filename, sent.read(), user.name, user.role,
                                            address=request.remote_addr)
                lines.append(t("dti_evidence_done", lang, file=found.file_name, item=item.name(lang)))
            except dti.DtiError as error:
                failed = True
                lines.append(in_lang(str(error), lang))
        return _to_page(year, "error" if failed else "ok", " ".join(lines), lang)

    @server.post(SIGNOFF_PATH)
    def dti_signoff() -> Response:
        user = require(dti.ENTRY_ROLES)
        lang = _lang()
        year, item, refused = _target(lang)
        if refused:
            return refused
        if not item.verifier:
            return _to_page(year, "error", t("dti_no_verifier", lang, item=item.name(lang)), lang)
        return _engine(lambda: dti.sign_off(_ops_db(), year, item.code, item.verifier, user.name, user.role,
                                            address=request.remote_addr),
                       year, t("dti_signoff_done", lang, item=item.name(lang), verifier=item.verifier), lang)

    @server.post(RANK_PATH)
    def dti_rank() -> Response:
        user = require(dti.ENTRY_ROLES)
        lang = _lang()
        year, _, refused = _target(lang, need_item=False)
        if refused:
            return refused
        raw = (request.form.get("rank") or "").strip()
        if not raw.isdigit():
            return _to_page(year, "error", t("dti_bad_rank", lang, value=raw[:20]), lang)
        return _engine(lambda: dti.enter_rank(_ops_db(), year, int(raw), user.name, user.role,
                                              address=request.remote_addr),
                       year, t("dti_rank_done", lang, rank=int(raw), year=year), lang)


def warehouse_reader(wh) -> Read:
    """A Read over the dashboard's Warehouse (its rows as dicts)."""
    return lambda name, **params: wh.query(name, **params).to_dict("records")


# Helpers ------------------------------------------------------------------------------------


def _target(lang: str, need_item: bool = True) -> tuple[int | None, DtiItem | None, Response | None]:
    """The form's year and item, checked against the catalog; or the redirect that says why not."""
    raw_year = (request.form.get("year") or "").strip()
    if not (raw_year.isdigit() and len(raw_year) == 4):
        return None, None, _to_page(None, "error", t("dti_bad_year", lang, value=raw_year[:10]), lang)
    year = int(raw_year)
    version, items = year_items(warehouse_reader(current_app.config["GOVKPI_WAREHOUSE"]), year)
    if version is None:
        return None, None, _to_page(year, "error", t("dti_no_version", lang, year=year), lang)
    if not need_item:
        return year, None, None
    code = (request.form.get("item") or "").strip()
    item = next((i for i in items if i.code == code), None)
    if item is None:
        return None, None, _to_page(year, "error", t("dti_unknown_item", lang, item=code[:60], year=year,
                                                      items=", ".join(i.code for i in items)), lang)
    return year, item, None


def _engine(call, year: int, done: str, lang: str) -> Response:
    try:
        call()
    except dti.DtiError as error:
        return _to_page(year, "error", in_lang(str(error), lang), lang)
    return _to_page(year, "ok", done, lang)


def _to_page(year: int | None, kind: str, text: str, lang: str) -> Response:
    return _back(PAGE_PATH, kind, text, lang, {"year": year} if year else None)


def _number(value) -> float | None:
    return None if value is None or value != value else float(value)


def _ops_db() -> str:
    return current_app.config["GOVKPI_OPS_DB"]


def _lang() -> str:
    return norm_lang(request.args.get("lang") or request.form.get("lang"))
