"""make pdf: the built site printed into one PDF, checked page by page as PNG.

The test prints two pages that hold what a PDF can get wrong (typeset maths,
figures, an animation, folded solutions): the front page and chapter 5.
``make pdf`` prints every page the same way.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import pdf as book_pdf  # noqa: E402

pytestmark = pytest.mark.browser
PAGES = ["intro", "chapters/05_convolution"]


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    import os

    site = ROOT / "_build" / "html"
    problem = None
    if not (site / "chapters" / "05_convolution.html").exists():
        problem = "the site is not built: run `make book` first"
    else:
        try:
            book_pdf.find_browser()
        except SystemExit as missing:
            problem = str(missing)
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    output = tmp_path_factory.mktemp("pdf") / "book.pdf"
    book_pdf.build_pdf(site, output, PAGES)
    return output


def test_the_pdf_has_a_bookmark_and_pages_for_every_page_printed(printed):
    from pypdf import PdfReader

    reader = PdfReader(printed)
    titles = [item.title for item in reader.outline]
    assert len(titles) == len(PAGES)
    assert any("convolution" in title.lower() for title in titles), titles
    assert len(reader.pages) > 10


def test_the_maths_is_typeset_and_the_solutions_are_printed(printed):
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(printed).pages)
    assert "\\(" not in text and "$$" not in text, "raw TeX in the PDF"
    assert "Solution to" in text
    assert "Output sizes" in text or "output size" in text.lower()


def test_pages_render_with_figures_not_blank(printed):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(printed))
    inked, coloured = 0, 0
    for page in document:
        image = np.asarray(page.render(scale=0.5).to_pil().convert("RGB"), float)
        dark = (image.mean(axis=2) < 200).mean()
        inked += dark > 0.001  # the last page of a chapter may hold two lines
        # A figure or an image map has saturated colour; text and code hardly any.
        saturation = image.max(axis=2) - image.min(axis=2)
        coloured += (saturation > 80).mean() > 0.02
    assert inked == len(document), "a page of the PDF is blank"
    assert coloured >= 3, "too few pages carry a figure"
