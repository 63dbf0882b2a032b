"""The whole book as one PDF: ``make pdf`` (after ``make book``).

Jupyter Book 1's own PDF builders either download a browser at run time
(``pdfhtml``) or need a TeX installation (``pdflatex``). This prints the built
HTML pages instead, in the order of ``_toc.yml``, with the same headless
Chromium the browser test uses: the maths is typeset by the bundled MathJax,
the figures are the site's figures, every folded solution is printed open, and
an animation prints as the frame it shows first. The pages are joined with a
bookmark per page, into ``_build/html/book.pdf`` so that the published site
carries it.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import io
import os
import shutil
import threading
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
#: Headless Chromium as root, with no network but localhost (the browser test,
#: tests/test_site_in_browser.py, uses the same).
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Print what a reader of paper needs: every solution open, no launch buttons.
PREPARE_FOR_PRINT = """() => {
    document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
    document.querySelectorAll('details').forEach(d => d.open = true);
    document.querySelectorAll('.toggle-button').forEach(b => b.remove());
}"""


def toc_pages(root: Path = ROOT) -> list[str]:
    """Every page of the book, in the order of ``_toc.yml``."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [entry["file"] for entry in part.get("chapters", [])]
    return pages


def browser_path() -> str | None:
    """Debian's chromium, or the Google Chrome that GitHub's Ubuntu runners carry;
    CHROMIUM=/path/to/browser chooses another. None if there is none."""
    return (
        os.environ.get("CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )


def find_browser() -> str:
    browser = browser_path()
    if not browser:
        raise SystemExit(
            "make pdf prints the site with Chromium, which is not installed: "
            "`sudo apt-get install chromium`, or set CHROMIUM=/path/to/chrome."
        )
    return browser


def print_page(browser, url: str) -> tuple[bytes, str]:
    """One page as PDF bytes, and its title."""
    page = browser.new_page(viewport={"width": 1000, "height": 1400})
    try:
        page.goto(url, wait_until="load")
        if page.locator(".math").count():
            page.wait_for_function(
                "() => document.querySelectorAll('mjx-container').length > 0",
                timeout=30000,
            )
        page.evaluate(PREPARE_FOR_PRINT)
        title = page.locator("main h1").first.inner_text().strip("#¶ \n")
        pdf = page.pdf(
            format="A4",
            print_background=True,
            margin={"top": "18mm", "bottom": "18mm", "left": "15mm", "right": "15mm"},
        )
        return pdf, title
    finally:
        page.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(site: Path):
    """Serve the built ``site`` on a free localhost port; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def build_pdf(site: Path, output: Path, pages: list[str] | None = None) -> int:
    """Print the built ``site`` into ``output``, every page of the book or only
    ``pages``; return the number of PDF pages."""
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader, PdfWriter

    if not (site / "index.html").exists():
        raise SystemExit(f"{site} holds no built site: run `make book` first.")
    writer = PdfWriter()
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=find_browser(), args=FLAGS, headless=True
        )
        for name in pages or toc_pages(ROOT):
            pdf, title = print_page(browser, f"{base}{name}.html")
            first_page = len(writer.pages)
            writer.append(PdfReader(io.BytesIO(pdf)))
            writer.add_outline_item(title=title, page_number=first_page)
        browser.close()
    writer.add_metadata({"/Title": "Neural networks, from neurons to ConvNets"})
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("wb") as file:
        writer.write(file)
    return len(writer.pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--site", type=Path, default=SITE)
    parser.add_argument("--output", type=Path, default=SITE / "book.pdf")
    args = parser.parse_args()
    pages = build_pdf(args.site, args.output)
    print(f"wrote {args.output} ({pages} pages)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
