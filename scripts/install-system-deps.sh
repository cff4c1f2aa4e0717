#!/usr/bin/env bash
# Installs the Debian packages the tests and exports need, only when missing:
# Chromium + ChromeDriver (browser tests, kaleido), LibreOffice (Writer, Impress, Calc) + poppler (PDF and PNG renders),
# and every font the outputs name: Liberation Serif/Sans have the metrics of Times New Roman (report)
# and Arial (deck, workbook), DejaVu covers the charts' and dashboard's fallbacks; fontconfig
# (fc-match) tells the exports which font will really be used. Fonts are detected by file, since
# fc-list may itself be missing. On Debian, `python3 -m venv` needs python3-venv (ensurepip is
# split out of python3), so it is checked here too: run this before `make install`.
set -euo pipefail
need=()
"${PYTHON:-python3}" -c 'import ensurepip, venv' >/dev/null 2>&1 || need+=(python3-venv)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-impress libreoffice-writer)
# Calc: the workbook rendered to PDF/PNG as it prints (../shared/tools/look.sh), like the deck and the report.
[ -e /usr/lib/libreoffice/program/libsclo.so ] || need+=(libreoffice-calc)
# python3-uno: the warm PDF converter of `govkpi serve` (unoserver) and the CLI's early LibreOffice (exports/lo_convert.py) drive LibreOffice through UNO.
[ -e /usr/lib/python3/dist-packages/uno.py ] || need+=(python3-uno)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
liberation=/usr/share/fonts/truetype/liberation2
{ [ -e $liberation/LiberationSerif-Regular.ttf ] && [ -e $liberation/LiberationSans-Regular.ttf ]; } \
  || need+=(fonts-liberation2)
command -v fc-match >/dev/null 2>&1 || need+=(fontconfig)
if [ ${#need[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Thiếu gói hệ thống / missing system packages (not a Debian machine, install them by hand): ${need[*]}" >&2
    exit 1
  fi
  SUDO=
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "Cần quyền root để cài / root needed to install: ${need[*]} (chạy: su -c 'make sysdeps')" >&2
      exit 1
    fi
    SUDO=sudo
  fi
  echo "Installing system packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # fontconfig's cache must know the new fonts before LibreOffice or fc-match look for them.
  if command -v fc-cache >/dev/null 2>&1; then $SUDO fc-cache -f >/dev/null; fi
fi
