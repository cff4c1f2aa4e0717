"""Component ids, one constant each, prefixed by page, so callbacks and tests name the same thing."""
from __future__ import annotations

# Shell
URL = "shell-url"
NAV = "shell-nav"
LANG_LINK = "shell-lang-link"
APP_TITLE = "shell-title"
OPEN_BANNER = "shell-open-banner"

# Filters: pattern ids {'type': FILTER, 'name': 'period' | 'level' | 'unit' | 'plan' | 'indicator'};
# one callback writes them into the URL, and each page's layout reads them back from it.
FILTER = "filter"

# Pages
OVERVIEW_CARDS = "overview-cards"
OVERVIEW_SUMMARY = "overview-summary"
TARGETS_LIST = "targets-list"
UNITS_RANKING = "units-ranking"
UNITS_HEATMAP = "units-heatmap"
UNITS_MAP = "units-map"
UNIT_TREND = "unit-trend"
UNIT_CHILDREN = "unit-children"
UNIT_SUBMISSIONS = "unit-submissions"
SERVICES_UNITS = "services-units"
SERVICES_ERAS = "services-eras"
SERVICES_RATES = "services-rates"
REPORTING_COMPLETENESS = "reporting-completeness"
REPORTING_TREND = "reporting-trend"
REPORTING_MISSING = "reporting-missing"
REPORTING_MISSING_DOWNLOAD = "reporting-missing-download"
REPORTING_MISSING_BUTTON = "reporting-missing-button"
REPORTING_ISSUES = "reporting-issues"
CATALOG_METRICS = "catalog-metrics"
CATALOG_INDICATORS = "catalog-indicators"
CATALOG_PLANS = "catalog-plans"

# Pattern-matching ids for every chart's table (type, index)
CHART = "chart"
GRID = "chart-grid"
CSV_BUTTON = "chart-csv"
