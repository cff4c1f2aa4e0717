"""PDF through LibreOffice (headless soffice), and page pictures through pdftoppm; when a tool
is missing the error says, in Vietnamese, how to install it."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from exports.fonts import FONTS_BY_SUFFIX, require_fonts
from exports.tool_missing import ToolMissing

SOFFICE_TIMEOUT_S = 180


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    """Gives the soffice program, or raises ToolMissing with the install command."""
    path = soffice_path()
    if path is None:
        raise ToolMissing(
            "Không tạo được tệp PDF vì máy chưa cài LibreOffice. Cài bằng lệnh: "
            "sudo apt-get install -y libreoffice-writer libreoffice-impress "
            "(hoặc chạy `make sysdeps`), rồi xuất lại; trong lúc chờ có thể xuất DOCX và tự chuyển sang PDF."
        )
    return path


def to_pdf(source: str | Path, out_pdf: str | Path) -> Path:
    """Converts a DOCX or PPTX to PDF with LibreOffice and gives the PDF's path. Raises
    ToolMissing when LibreOffice, or a font of the document's metrics, is not installed."""
    soffice = require_soffice()
    source, out_pdf = Path(source), Path(out_pdf)
    require_fonts(*FONTS_BY_SUFFIX.get(source.suffix.lower(), ()))
    # A profile per process: two soffice runs sharing one profile block each other.
    profile = Path(tempfile.gettempdir()) / f"govkpi-lo-{os.getuid()}-{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="govkpi-pdf-") as work:
        command = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", work, str(source)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=SOFFICE_TIMEOUT_S)
        produced = Path(work) / (source.stem + ".pdf")
        if done.returncode != 0 or not produced.exists():
            raise RuntimeError(f"LibreOffice không chuyển được {source.name} sang PDF: "
                               f"{(done.stderr or done.stdout).strip()[-400:]}")
        out_pdf.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(produced), out_pdf)
    return out_pdf


def pdf_to_pngs(pdf: str | Path, out_dir: str | Path, prefix: str, dpi: int = 60) -> list[Path]:
    """Renders each page of a PDF to PNG (pdftoppm) and gives the pictures in page order."""
    if shutil.which("pdftoppm") is None:
        raise ToolMissing("Chưa cài poppler-utils (pdftoppm). Cài bằng lệnh: sudo apt-get install -y poppler-utils")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob(f"{prefix}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(out_dir / prefix)], check=True,
                   timeout=120)
    return sorted(out_dir.glob(f"{prefix}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def pdf_text(pdf: str | Path) -> str:
    """Gives the text of a PDF (pdftotext, layout kept) to check what a page says."""
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=60)
    return done.stdout
