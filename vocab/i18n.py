"""The dashboard's words in Vietnamese (first) and English; `t(key, lang)` gives one."""
from __future__ import annotations

import unicodedata

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"

STRINGS: dict[str, dict[str, str]] = {
    # Shell
    "app_title": {"vi": "Theo dõi chỉ tiêu Chính quyền điện tử", "en": "E-government targets"},
    "switch_lang": {"vi": "English", "en": "Tiếng Việt"},
    "nav_overview": {"vi": "Tổng quan", "en": "Overview"},
    "nav_targets": {"vi": "Chỉ tiêu theo cấp", "en": "Targets by level"},
    "nav_units": {"vi": "So sánh đơn vị", "en": "Units"},
    "nav_services": {"vi": "Dịch vụ công trực tuyến", "en": "Online public services"},
    "nav_reporting": {"vi": "Tình hình báo cáo", "en": "Reporting"},
    "nav_catalog": {"vi": "Danh mục", "en": "Catalog"},
    "no_target": {"vi": "Không giao chỉ tiêu", "en": "No target"},
    # Downloads of the exports
    "download_title": {"vi": "Tải về:", "en": "Download:"},
    "download_no_data_title": {"vi": "Kỳ này chưa có số liệu", "en": "No data for this period"},
    "download_back": {"vi": "Quay lại bảng điều khiển", "en": "Back to the dashboard"},
    "download_pptx": {"vi": "Bộ trình chiếu (PPTX)", "en": "Slide deck (PPTX)"},
    "download_xlsx": {"vi": "Sổ số liệu (XLSX)", "en": "Workbook (XLSX)"},
    "download_docx": {"vi": "Báo cáo (DOCX)", "en": "Report (DOCX)"},
    "download_pdf": {"vi": "Báo cáo (PDF)", "en": "Report (PDF)"},
    "download_bad_kind": {"vi": "Không có loại tệp này. Chọn pptx, xlsx, docx hoặc pdf.",
                          "en": "No such export. Choose pptx, xlsx, docx or pdf."},
    # Accounts: sign-in page, the open-mode banner, refusals
    "open_banner": {"vi": "Chưa bật đăng nhập: ai truy cập được máy này cũng xem được mọi số liệu.",
                    "en": "Sign-in is off: anyone who can reach this machine sees all figures."},
    "login_title": {"vi": "Đăng nhập", "en": "Sign in"},
    "login_name": {"vi": "Tên đăng nhập", "en": "User name"},
    "login_password": {"vi": "Mật khẩu", "en": "Password"},
    "login_submit": {"vi": "Đăng nhập", "en": "Sign in"},
    "login_failed": {"vi": "Sai tên đăng nhập hoặc mật khẩu.", "en": "Wrong user name or password."},
    "login_locked": {"vi": "Tài khoản tạm khoá vì đăng nhập sai nhiều lần; thử lại sau {minutes} phút.",
                     "en": "The account is locked after repeated failed sign-ins; try again in {minutes} min."},
    "login_too_many": {"vi": "Quá nhiều lần đăng nhập sai từ địa chỉ này; vui lòng đợi rồi thử lại.",
                       "en": "Too many failed sign-ins from this address; please wait and try again."},
    "logout": {"vi": "Đăng xuất", "en": "Sign out"},
    "need_login": {"vi": "Cần đăng nhập.", "en": "Sign-in required."},
    "forbidden": {"vi": "Tài khoản của bạn không có quyền này.", "en": "Your account may not do this."},
    "csrf_failed": {"vi": "Yêu cầu bị từ chối: thiếu hoặc sai mã bảo vệ biểu mẫu (CSRF). Hãy tải lại trang rồi thử lại.",
                    "en": "Request refused: the form's protection code (CSRF) is missing or wrong. Reload the page and try again."},
    # Filters
    "period": {"vi": "Kỳ báo cáo", "en": "Period"},
    "level": {"vi": "Cấp", "en": "Level"},
    "unit": {"vi": "Đơn vị", "en": "Unit"},
    "plan": {"vi": "Kế hoạch", "en": "Plan"},
    "indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "plan_in_force": {"vi": "Chỉ tiêu đang áp dụng", "en": "Target in force"},
    "all_units": {"vi": "Tất cả đơn vị", "en": "All units"},
    # Messages
    "no_data_period": {"vi": "{period}: chưa có số liệu.", "en": "{period}: no data."},
    "no_data": {"vi": "Chưa có số liệu.", "en": "No data."},
    "no_warehouse": {
        "vi": "Chưa đọc được kho dữ liệu. Vui lòng thử lại sau ít phút.",
        "en": "The warehouse cannot be read right now. Please try again in a few minutes.",
    },
    "page_error": {
        "vi": "Không hiển thị được trang này. Lỗi đã được ghi lại.",
        "en": "This page could not be shown. The error has been logged.",
    },
    "unknown_unit": {"vi": "Không tìm thấy đơn vị {unit}.", "en": "Unit {unit} not found."},
    "table_view": {"vi": "Xem bảng số liệu", "en": "Show the data table"},
    "download_csv": {"vi": "Tải CSV", "en": "Download CSV"},
    "map_note": {
        "vi": "Bản đồ: mỗi đơn vị là một điểm tại trung tâm của nó (tọa độ từ gói vietnamadminunits, "
        "giấy phép MIT); chưa có gói dữ liệu ranh giới hành chính nào đóng gói được kèm phần mềm.",
        "en": "Map: each unit is a point at its centre (coordinates from the vietnamadminunits package, "
        "MIT licence); no package of administrative boundaries can be shipped with the software.",
    },
    "map_title": {"vi": "Bản đồ {level}: {finding}", "en": "Map, {level}: {finding}"},
    "longitude": {"vi": "Kinh độ (°Đ)", "en": "Longitude (°E)"},
    "latitude": {"vi": "Vĩ độ (°B)", "en": "Latitude (°N)"},
    # Overview
    "overview_title": {"vi": "Tổng quan {period}", "en": "Overview, {period}"},
    "targets_met": {"vi": "Đạt", "en": "Met"},
    "targets_summary": {
        "vi": "{met} chỉ tiêu đạt, {near} gần đạt, {behind} chưa đạt, {no_data} chưa có số liệu",
        "en": "{met} targets met, {near} near, {behind} behind, {no_data} without data",
    },
    "completeness_summary": {
        "vi": "Báo cáo: {reported}/{expected} đơn vị đã gửi ({rate}), {on_time} đúng hạn",
        "en": "Reports: {reported}/{expected} units reported ({rate}), {on_time} on time",
    },
    "target_by": {"vi": "Chỉ tiêu {target} đến {deadline}", "en": "Target {target} by {deadline}"},
    "vs_previous": {"vi": "so với kỳ trước", "en": "vs previous period"},
    "vs_year_before": {"vi": "so với cùng kỳ năm trước", "en": "vs a year before"},
    # Targets by level
    "targets_title": {"vi": "Chỉ tiêu theo cấp, {period}", "en": "Targets by level, {period}"},
    "actual": {"vi": "Thực hiện", "en": "Actual"},
    "target": {"vi": "Chỉ tiêu", "en": "Target"},
    "expected": {"vi": "Lộ trình", "en": "Trajectory"},
    "rate_axis": {"vi": "Tỷ lệ (%)", "en": "Rate (%)"},
    "period_axis": {"vi": "Kỳ báo cáo", "en": "Period"},
    "reform": {"vi": "Sắp xếp ĐVHC 01/7/2025", "en": "Reform 1 July 2025"},
    "trend_title": {"vi": "{indicator}: {finding}", "en": "{indicator}: {finding}"},
    "trajectory_on_track": {
        "vi": "{level} đạt {value}, {verdict} lộ trình {expected}",
        "en": "{level} at {value}, {verdict} the {expected} trajectory",
    },
    "ahead": {"vi": "vượt", "en": "ahead of"},
    "behind_word": {"vi": "chậm so với", "en": "behind"},
    # Units
    "units_title": {"vi": "So sánh đơn vị, {period}", "en": "Units compared, {period}"},
    "ranking_title": {
        "vi": "{met}/{total} đơn vị {level} đạt chỉ tiêu {target}",
        "en": "{met} of {total} {level} units meet the {target} target",
    },
    "ranking_title_no_target": {
        "vi": "{level}: cao nhất {best} ({best_value}), thấp nhất {worst} ({worst_value})",
        "en": "{level}: highest {best} ({best_value}), lowest {worst} ({worst_value})",
    },
    "heatmap_title": {
        "vi": "{behind} ô chưa đạt trên {total} ô có chỉ tiêu",
        "en": "{behind} of {total} unit-indicator cells with a target are behind",
    },
    "units_capped": {
        "vi": "Hiển thị {shown} đơn vị có tỷ lệ thấp nhất trên tổng số {total}; chọn đơn vị trực thuộc để xem đầy đủ.",
        "en": "Showing the {shown} lowest of {total} units; choose a parent unit to see them all.",
    },
    "units_capped_top": {
        "vi": "Hiển thị {shown} đơn vị có nhiều dịch vụ nhất trên tổng số {total}.",
        "en": "Showing the {shown} units with the most services of {total}.",
    },
    "unit_axis": {"vi": "Đơn vị", "en": "Unit"},
    "indicator_axis": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "unit_page_title": {"vi": "{unit}, {period}", "en": "{unit}, {period}"},
    "units_below": {"vi": "Đơn vị trực thuộc", "en": "Units under it"},
    "submissions": {"vi": "Các lần gửi báo cáo", "en": "Submissions"},
    "unit_trend_title": {"vi": "{indicator}: {value} ({period})", "en": "{indicator}: {value} ({period})"},
    "click_hint": {
        "vi": "Bấm vào một đơn vị để mở trang của đơn vị đó.",
        "en": "Click a unit to open its page.",
    },
    "back_to_units": {"vi": "← So sánh đơn vị", "en": "← Units"},
    "parent": {"vi": "Trực thuộc", "en": "Part of"},
    # Services
    "services_title": {"vi": "Dịch vụ công trực tuyến, {period}", "en": "Online public services, {period}"},
    "services_units_title": {
        "vi": "{top} có nhiều dịch vụ công trực tuyến nhất ({count})",
        "en": "{top} has the most online services ({count})",
    },
    "services_eras_title": {
        "vi": "Hai giai đoạn: mức độ 2/3/4 (đến 14/8/2022) và toàn trình/một phần (từ 15/8/2022), không nối chuỗi",
        "en": "Two eras: levels 2/3/4 (to 14 Aug 2022) and full/partial (from 15 Aug 2022), not spliced",
    },
    "era_old": {"vi": "Mức độ 2/3/4 (Nghị định 43/2011)", "en": "Levels 2/3/4 (Decree 43/2011)"},
    "era_new": {"vi": "Toàn trình / một phần (Nghị định 42/2022)", "en": "Full / partial (Decree 42/2022)"},
    "services_axis": {"vi": "Số dịch vụ", "en": "Services"},
    "dossier_rates_title": {
        "vi": "Hồ sơ trực tuyến {online}, đúng hạn {on_time} ({period})",
        "en": "Dossiers online {online}, on time {on_time} ({period})",
    },
    # Reporting
    "reporting_title": {"vi": "Tình hình báo cáo, {period}", "en": "Reporting, {period}"},
    "completeness_title": {
        "vi": "{reported}/{expected} đơn vị đã báo cáo ({rate}), {on_time} đúng hạn",
        "en": "{reported} of {expected} units reported ({rate}), {on_time} on time",
    },
    "completeness_trend_title": {
        "vi": "Tỷ lệ đơn vị gửi báo cáo theo kỳ: {latest} ở {period}",
        "en": "Share of units reporting by period: {latest} in {period}",
    },
    "units_expected": {"vi": "Phải báo cáo", "en": "Expected"},
    "units_reported": {"vi": "Đã báo cáo", "en": "Reported"},
    "units_on_time": {"vi": "Đúng hạn", "en": "On time"},
    "units_count_axis": {"vi": "Số đơn vị", "en": "Units"},
    "missing_title": {"vi": "{count} đơn vị chưa báo cáo", "en": "{count} units have not reported"},
    "issues_title": {"vi": "Lỗi, cảnh báo trong các lần nạp gần đây", "en": "Issues found in recent loads"},
    "all_reported": {"vi": "Tất cả đơn vị đã báo cáo.", "en": "Every unit has reported."},
    "no_issues": {"vi": "Không có lỗi hay cảnh báo.", "en": "No issues."},
    # Catalog
    "catalog_title": {"vi": "Danh mục", "en": "Catalog"},
    "metrics": {"vi": "Chỉ số báo cáo", "en": "Reported metrics"},
    "indicators": {"vi": "Chỉ tiêu (tỷ lệ)", "en": "Indicators (rates)"},
    "plans": {"vi": "Kế hoạch, văn bản và chỉ tiêu", "en": "Plans, documents and targets"},
    # Column headers
    "col_unit": {"vi": "Đơn vị", "en": "Unit"},
    "col_level": {"vi": "Cấp", "en": "Level"},
    "col_period": {"vi": "Kỳ", "en": "Period"},
    "col_value": {"vi": "Giá trị", "en": "Value"},
    "col_target": {"vi": "Chỉ tiêu giao", "en": "Target"},
    "col_deadline": {"vi": "Thời hạn", "en": "Deadline"},
    "col_status": {"vi": "Đánh giá", "en": "Status"},
    "col_indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "col_metric": {"vi": "Chỉ số", "en": "Metric"},
    "col_code": {"vi": "Mã", "en": "Code"},
    "col_name": {"vi": "Tên", "en": "Name"},
    "col_kind": {"vi": "Loại", "en": "Kind"},
    "col_unit_of_measure": {"vi": "Đơn vị tính", "en": "Unit of measure"},
    "col_valid": {"vi": "Hiệu lực", "en": "Valid"},
    "col_formula": {"vi": "Công thức", "en": "Formula"},
    "col_group": {"vi": "Nhóm", "en": "Group"},
    "col_doc": {"vi": "Văn bản", "en": "Document"},
    "col_issuer": {"vi": "Cơ quan ban hành", "en": "Issuer"},
    "col_source": {"vi": "Nguồn", "en": "Source"},
    "col_parent": {"vi": "Trực thuộc", "en": "Part of"},
    "col_due": {"vi": "Hạn nộp", "en": "Due"},
    "col_file": {"vi": "Tệp", "en": "File"},
    "col_submitted": {"vi": "Ngày gửi", "en": "Submitted"},
    "col_loaded": {"vi": "Ngày nạp", "en": "Loaded"},
    "col_severity": {"vi": "Mức độ", "en": "Severity"},
    "col_sheet": {"vi": "Trang tính", "en": "Sheet"},
    "col_cell": {"vi": "Ô", "en": "Cell"},
    "col_message": {"vi": "Nội dung", "en": "Message"},
    "col_numerator": {"vi": "Tử số", "en": "Numerator"},
    "col_denominator": {"vi": "Mẫu số", "en": "Denominator"},
    "col_expected": {"vi": "Lộ trình", "en": "Trajectory"},
    "col_units": {"vi": "Đơn vị báo cáo", "en": "Units reporting"},
    "col_rate": {"vi": "Tỷ lệ", "en": "Rate"},
    "col_on_time_rate": {"vi": "Tỷ lệ đúng hạn", "en": "On-time rate"},
    "col_series": {"vi": "Loại", "en": "Series"},
    "col_count": {"vi": "Số lượng", "en": "Count"},
    "col_change_prev": {"vi": "So với kỳ trước", "en": "Vs previous"},
    "col_change_year": {"vi": "So với cùng kỳ", "en": "Vs year before"},
    "col_state": {"vi": "Trạng thái", "en": "State"},
    "severity_error": {"vi": "Lỗi", "en": "Error"},
    "severity_warning": {"vi": "Cảnh báo", "en": "Warning"},
    "kind_flow": {"vi": "Phát sinh trong kỳ", "en": "Flow"},
    "kind_stock": {"vi": "Lũy kế", "en": "Stock"},
    # U1 (issue 10): coverage, partial data, expired targets, filter notices, counts
    "coverage": {"vi": "{reported}/{expected} đơn vị", "en": "{reported}/{expected} units"},
    "coverage_line": {
        "vi": "{period} · {coverage} đã báo cáo · {target}",
        "en": "{period} · {coverage} reported · {target}",
    },
    "plan_targets_of": {"vi": "Chỉ tiêu theo {doc}", "en": "Targets of {doc}"},
    "partial_data": {"vi": "số liệu chưa đầy đủ", "en": "partial data"},
    "partial_note": {
        "vi": "{period}: số liệu chưa đầy đủ ({coverage} đã báo cáo); các tỷ lệ có thể còn thay đổi.",
        "en": "{period}: partial data ({coverage} reported); the rates may still change.",
    },
    "expired_line": {
        "vi": "Chỉ tiêu {target} hết hạn {deadline}; tại hạn: {status}",
        "en": "Target {target} expired {deadline}; on that date: {status}",
    },
    "clear_filters": {"vi": "Xóa bộ lọc", "en": "Clear filters"},
    "filter_bad_period": {
        "vi": "Kỳ báo cáo “{value}” không hợp lệ (ví dụ: 2025Q3, 2025H1, 2025); đang hiển thị {period}.",
        "en": "The period “{value}” is not valid (e.g. 2025Q3, 2025H1, 2025); showing {period}.",
    },
    "filter_unknown_period": {
        "vi": "Kho số liệu chưa có kỳ {value}; đang hiển thị {period}.",
        "en": "The warehouse has no data for {value}; showing {period}.",
    },
    "filter_unknown_unit": {
        "vi": "Không tìm thấy đơn vị “{value}”; bộ lọc đơn vị đã được bỏ.",
        "en": "Unit “{value}” not found; the unit filter was dropped.",
    },
    "filter_unit_other_era": {
        "vi": "{unit} không còn tồn tại trong {period} (sắp xếp ĐVHC 01/7/2025); bộ lọc đơn vị đã được bỏ.",
        "en": "{unit} does not exist in {period} (1 July 2025 reform); the unit filter was dropped.",
    },
    "filter_level_other_era": {
        "vi": "{level} không còn trong {period} (sắp xếp ĐVHC 01/7/2025); đang hiển thị {shown}.",
        "en": "The {level} does not exist in {period} (1 July 2025 reform); showing the {shown}.",
    },
    "filter_indicator_other_era": {
        "vi": "Chỉ tiêu “{indicator}” không áp dụng trong {period}.",
        "en": "The indicator “{indicator}” does not apply in {period}.",
    },
    "ranking_title_expired": {
        "vi": "{total} đơn vị {level} có số liệu; chỉ tiêu {target} đã hết hạn {deadline}",
        "en": "{total} {level} units with data; the {target} target expired {deadline}",
    },
    "units_count": {
        "vi": "{met}/{total} đơn vị {level} đạt chỉ tiêu {target} ({indicator}, {period})",
        "en": "{met} of {total} {level} units meet the {target} target ({indicator}, {period})",
    },
    "units_count_no_target": {
        "vi": "{total} đơn vị {level} có số liệu ({indicator}, {period}); chưa giao chỉ tiêu",
        "en": "{total} {level} units with data ({indicator}, {period}); no target set",
    },
    "units_count_expired": {
        "vi": "{total} đơn vị {level} có số liệu ({indicator}, {period}); chỉ tiêu {target} đã hết hạn {deadline}",
        "en": "{total} {level} units with data ({indicator}, {period}); the {target} target expired {deadline}",
    },
    "trend_legend_note": {
        "vi": "Mỗi cấp một màu: đường đậm là thực hiện, đường mảnh nét đứt là chỉ tiêu, chấm là lộ trình.",
        "en": "One colour per level: the thick line is the actual, the thin dashed line the target, dots the trajectory.",
    },
    "target_and_trajectory": {"vi": "Chỉ tiêu (nét đứt) / lộ trình (chấm)", "en": "Target (dashed) / trajectory (dotted)"},
    "col_units_expected": {"vi": "Đơn vị phải báo cáo", "en": "Units expected"},
    "submission_accepted": {"vi": "Đã tiếp nhận", "en": "Accepted"},
    "submission_superseded": {"vi": "Đã được thay thế", "en": "Superseded"},
    "submission_rejected": {"vi": "Bị từ chối", "en": "Rejected"},
    "submission_duplicate": {"vi": "Trùng tệp đã gửi", "en": "Duplicate"},
    # U2 (issue 10): not-found page, dropdown words, /bao-cao headline, /dich-vu-cong lead
    "not_found_title": {"vi": "Không tìm thấy trang", "en": "Page not found"},
    "not_found_text": {"vi": "Địa chỉ này không có trong bảng điều khiển. Chọn một trang dưới đây.",
                       "en": "The dashboard has no page at this address. Choose one below."},
    "dropdown_select": {"vi": "Chọn…", "en": "Select…"},
    "dropdown_search": {"vi": "Tìm kiếm", "en": "Search"},
    "dropdown_clear_search": {"vi": "Xoá tìm kiếm", "en": "Clear search"},
    "dropdown_clear_selection": {"vi": "Bỏ chọn", "en": "Clear selection"},
    "dropdown_no_options": {"vi": "Không có lựa chọn phù hợp", "en": "No options found"},
    "dropdown_select_all": {"vi": "Chọn tất cả", "en": "Select all"},
    "dropdown_deselect_all": {"vi": "Bỏ chọn tất cả", "en": "Deselect all"},
    "dropdown_selected_count": {"vi": "Đã chọn {num_selected}", "en": "{num_selected} selected"},
    "reporting_all_levels": {"vi": "Tất cả các cấp", "en": "All levels"},
    "reporting_headline": {
        "vi": "{scope}, {period}: {reported}/{expected} đơn vị đã báo cáo ({rate}), {on_time} đúng hạn, {missing} chưa báo cáo",
        "en": "{scope}, {period}: {reported} of {expected} units reported ({rate}), {on_time} on time, {missing} not yet",
    },
    "reporting_level_line": {"vi": "{level}: {reported}/{expected} đã báo cáo, {on_time} đúng hạn",
                             "en": "{level}: {reported} of {expected} reported, {on_time} on time"},
    "services_lead": {
        "vi": "{indicator}, {level}, {period}: {value}; chỉ tiêu {target} ({doc}) – {status}. Số liệu của {reported}/{expected} đơn vị.",
        "en": "{indicator}, {level}, {period}: {value}; target {target} ({doc}) – {status}. Data from {reported} of {expected} units.",
    },
    "services_lead_no_target": {
        "vi": "{indicator}, {level}, {period}: {value}; không giao chỉ tiêu. Số liệu của {reported}/{expected} đơn vị.",
        "en": "{indicator}, {level}, {period}: {value}; no target set. Data from {reported} of {expected} units.",
    },
    "services_units_title_by_count": {
        "vi": "Số dịch vụ công trực tuyến của từng đơn vị",
        "en": "Online public services of each unit",
    },
    # The JSON API (/api/v1): errors name the parameter or the file
    "api_no_file": {"vi": "Thiếu tệp: gửi bảng tính trong trường 'file' (multipart/form-data).",
                    "en": "No file: send the workbook in the multipart field 'file'."},
    "api_bad_period": {"vi": "Tham số '{name}' không hợp lệ: '{value}' (ví dụ: 2025Q3, 2025H1, 2025).",
                       "en": "Invalid parameter '{name}': '{value}' (e.g. 2025Q3, 2025H1, 2025)."},
    "api_missing_param": {"vi": "Thiếu tham số '{name}'.", "en": "Missing parameter '{name}'."},
    "api_bad_level": {"vi": "Tham số 'level' không hợp lệ: '{value}' (chọn province, district hoặc commune).",
                      "en": "Invalid parameter 'level': '{value}' (choose province, district or commune)."},
    "api_bad_date": {"vi": "Tham số 'submitted' không hợp lệ: '{value}' (dạng YYYY-MM-DD, ví dụ 2025-10-05).",
                     "en": "Invalid parameter 'submitted': '{value}' (YYYY-MM-DD, e.g. 2025-10-05)."},
    "api_bad_limit": {"vi": "Tham số 'limit' phải là số nguyên từ 1 đến {most}.",
                      "en": "Parameter 'limit' must be a whole number from 1 to {most}."},
    "api_unknown_unit": {"vi": "Không có đơn vị mã '{value}'{era}.", "en": "No unit with code '{value}'{era}."},
    "api_unit_forbidden": {"vi": "Tài khoản của bạn không xem được bài nộp của đơn vị '{value}'.",
                           "en": "Your account may not see the submissions of unit '{value}'."},
    "api_submission_forbidden": {"vi": "Tài khoản của bạn không xem được bài nộp số {value}.",
                                 "en": "Your account may not see submission {value}."},
    "api_submission_unknown": {"vi": "Không có bài nộp số {value}.", "en": "No submission {value}."},
    "api_not_found": {"vi": "Không có địa chỉ API này.", "en": "No such API address."},
    "api_method": {"vi": "Địa chỉ này không nhận phương thức {value}.", "en": "This address does not take {value}."},
    "api_failed": {"vi": "Lỗi hệ thống khi xử lý yêu cầu; hãy thử lại hoặc báo Sở.",
                   "en": "A system error occurred; try again or tell the department."},
    "api_no_data": {"vi": "{period}, {level}: chưa có số liệu.", "en": "{period}, {level}: no data yet."},
    "api_too_large": {"vi": "Yêu cầu quá lớn (tối đa {most} MB một tệp).",
                      "en": "The request is too large (at most {most} MB a file)."},
    "api_unavailable": {"vi": "Kho dữ liệu đang bận; hãy thử lại sau ít giây.",
                        "en": "The warehouse is busy; try again in a few seconds."},
    # The review API (issue 12)
    "api_bad_decision": {"vi": "Tham số 'decision' phải là accept hoặc send_back, không phải '{value}'.",
                         "en": "Parameter 'decision' must be accept or send_back, not '{value}'."},
    "api_bad_action": {"vi": "Tham số 'action' không hợp lệ: '{value}' (một trong: {actions}).",
                       "en": "Invalid parameter 'action': '{value}' (one of: {actions})."},
    "api_ambiguous_unit": {"vi": "Mã '{value}' chỉ nhiều đơn vị; hãy gửi unit_key.",
                           "en": "The code '{value}' names several units; send the unit_key."},
    "api_unknown_indicator": {"vi": "Không có chỉ tiêu mã '{value}'.", "en": "No indicator with code '{value}'."},
    # Upload page (/nop-bao-cao) and its error report
    "nav_upload": {"vi": "Nộp báo cáo", "en": "Submit reports"},
    "upload_title": {"vi": "Nộp báo cáo", "en": "Submit reports"},
    "upload_need_login": {"vi": "Cần đăng nhập bằng tài khoản báo cáo để nộp báo cáo.",
                          "en": "Sign in with a reporting account to submit reports."},
    "upload_login_link": {"vi": "Đăng nhập", "en": "Sign in"},
    "upload_forbidden": {
        "vi": "Tài khoản {name} (vai trò {role}) không được nộp báo cáo. Chỉ tài khoản đơn vị báo cáo (reporter) và quản trị (admin) được nộp.",
        "en": "The account {name} (role {role}) may not submit reports. Only reporting units (reporter) and administrators (admin) may.",
    },
    "upload_units_title": {"vi": "Đơn vị bạn báo cáo", "en": "Units you report for"},
    "upload_all_units": {"vi": "Quản trị: được nộp cho mọi đơn vị.", "en": "Administrator: may submit for any unit."},
    "upload_template_hint": {
        "vi": "Dùng biểu mẫu Excel (.xlsx) của kỳ do Sở gửi (govkpi template); giữ nguyên tên trang tính và ô, chỉ điền cột “Giá trị”. Mỗi tệp tối đa {max_mb} MB.",
        "en": "Use the period's Excel template (.xlsx) sent by the department (govkpi template); keep its sheet names and cells, fill only the “Value” column. At most {max_mb} MB a file.",
    },
    "upload_drop": {"vi": "Kéo thả tệp Excel vào đây, hoặc bấm để chọn (được chọn nhiều tệp)",
                    "en": "Drop Excel files here, or click to choose (several at once)"},
    "upload_period": {"vi": "Kỳ báo cáo (không bắt buộc, ví dụ 2025Q3)", "en": "Period (optional, e.g. 2025Q3)"},
    "upload_submit": {"vi": "Nộp báo cáo", "en": "Submit"},
    "upload_results_title": {"vi": "Kết quả lần nộp vừa rồi", "en": "Result of this upload"},
    "upload_history_title": {"vi": "Lịch sử nộp báo cáo của bạn", "en": "Your upload history"},
    "upload_history_all_title": {"vi": "Các lần nộp gần đây (mọi tài khoản)", "en": "Recent uploads (every account)"},
    "upload_history_empty": {"vi": "Chưa có lần nộp nào.", "en": "No uploads yet."},
    "upload_loaded": {"vi": "{units} đơn vị, {values} giá trị đã nạp", "en": "{units} units, {values} values loaded"},
    "upload_no_problems": {"vi": "Không có lỗi hay cảnh báo nào.", "en": "No errors or warnings."},
    "upload_error_report": {"vi": "Tải báo cáo lỗi (Excel)", "en": "Download the error report (Excel)"},
    "upload_superseded_by": {"vi": "Đã được thay bằng lần nộp sau (mã {newer}).",
                             "en": "Replaced by a later upload (id {newer})."},
    "upload_supersedes": {"vi": "Thay cho lần nộp trước (mã {older}); cả hai vẫn được lưu trong lịch sử.",
                          "en": "Replaces the earlier upload (id {older}); both stay in the history."},
    "upload_publishing": {"vi": "Số liệu sẽ hiện trên các trang trong vài giây (đang công bố bản đọc).",
                          "en": "The figures show on the pages within seconds (being published)."},
    "upload_no_file": {"vi": "Chưa chọn tệp nào để nộp.", "en": "No file was chosen."},
    "upload_bad_period": {"vi": "Kỳ báo cáo “{period}” không hợp lệ (ví dụ đúng: 2025Q3).",
                          "en": "The period “{period}” is not valid (e.g. 2025Q3)."},
    "upload_by": {"vi": "Người nộp", "en": "Sent by"},
    "upload_status_accepted": {"vi": "Đã nhận", "en": "Accepted"},
    "upload_status_rejected": {"vi": "Bị từ chối", "en": "Rejected"},
    "upload_status_duplicate": {"vi": "Trùng tệp đã nộp", "en": "Same file already sent"},
    "upload_status_forbidden": {"vi": "Không được phép nộp cho đơn vị này", "en": "Not allowed for this unit"},
    "upload_status_failed": {"vi": "Lỗi hệ thống", "en": "System error"},
    "upload_status_processing": {"vi": "Đang xử lý", "en": "Processing"},
    "upload_status_refused": {"vi": "Không nhận tệp", "en": "File refused"},
    "error_report_not_found": {"vi": "Không có lần nộp này.", "en": "No such upload."},
}

SERIES_NAMES = {
    "services_level2": {"vi": "Mức độ 2", "en": "Level 2"},
    "services_level3": {"vi": "Mức độ 3", "en": "Level 3"},
    "services_level4": {"vi": "Mức độ 4", "en": "Level 4"},
    "services_full_online": {"vi": "Toàn trình", "en": "Fully online"},
    "services_partial_online": {"vi": "Một phần", "en": "Partly online"},
}


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """Gives the string for key in lang (Vietnamese when lang is unknown), NFC, filled in."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry[DEFAULT_LANG]
    if values:
        text = text.format(**values)
    return unicodedata.normalize("NFC", text)


def norm_lang(lang: object) -> str:
    """Gives 'vi' or 'en' from a URL value; anything else is Vietnamese."""
    return lang if lang in LANGS else DEFAULT_LANG


def series_name(code: str, lang: str = DEFAULT_LANG) -> str:
    return SERIES_NAMES.get(code, {}).get(lang, code)
