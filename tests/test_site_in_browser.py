"""The built site, opened in headless Chromium as a reader would.

For every page in the table of contents: it loads with no console errors, its
maths is typeset by the bundled MathJax, every image has real alt text, and
every link in the navigation resolves. On a phone and a tablet the sidebar
drawers open when tapped, and on a desktop the menu button hides the sidebar;
a folded solution opens wherever its bar is clicked; printed feedback wraps;
and axe-core finds no serious or critical WCAG 2.1 A/AA violation, at desktop
and at phone width.
Screenshots go to _build/screenshots/.

Run ``make book`` first. Locally the test skips when Chromium or the built site
is missing, saying how to get them; in CI (``CI`` set) it fails instead.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
sys.path.insert(0, str(ROOT / "scripts"))

# The browser, its flags, the page order and the local server are the ones
# `make pdf` prints the site with.
from pdf import FLAGS, browser_path, serve, toc_pages  # noqa: E402

CHROMIUM = browser_path()

pytestmark = pytest.mark.browser


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


PAGES = toc_pages(ROOT)


@pytest.fixture(scope="module")
def server():
    if not (SITE / "index.html").exists():
        _unavailable("the site is not built: run `make book` first")
    with serve(SITE) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        _unavailable(
            "Chromium is not installed: `sudo apt-get install chromium` (Debian/Ubuntu)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=FLAGS, headless=True
        )
        yield browser
        browser.close()


def _open(browser, url, width=1280):
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "requestfailed", lambda request: errors.append(f"failed to load {request.url}")
    )
    page.goto(url, wait_until="load")
    return page, errors


# Each page is opened once per width and every per-page test of that width
# reads the same loaded page: pytest groups the tests by page because these
# fixtures are module-scoped and parametrized. Opening a long chapter (MathJax,
# dozens of figures) is most of the cost of these tests.


def _loaded(request, server, browser, width):
    page_name = request.param
    page, errors = _open(browser, urljoin(server, f"{page_name}.html"), width)
    page.wait_for_timeout(300)
    yield page_name, page, errors
    page.close()


@pytest.fixture(scope="module", params=PAGES)
def desktop(request, server, browser):
    yield from _loaded(request, server, browser, 1280)


@pytest.fixture(scope="module", params=PAGES)
def phone(request, server, browser):
    yield from _loaded(request, server, browser, 390)


def test_page_loads_cleanly_with_typeset_maths_and_alt_text(desktop):
    page_name, page, errors = desktop
    assert page.title(), "the page has no title"
    math_count = page.locator(".math").count()
    if math_count:
        page.wait_for_function(
            "() => document.querySelectorAll('mjx-container').length > 0",
            timeout=20000,
        )
        unrendered = page.evaluate(
            "() => [...document.querySelectorAll('.math')]"
            ".filter(e => !e.querySelector('mjx-container') && !e.closest('mjx-container'))"
            ".map(e => e.textContent.slice(0, 60))"
        )
        assert not unrendered, f"maths left untypeset: {unrendered[:5]}"
    images = page.evaluate(
        "() => [...document.querySelectorAll('article img, main img')].map(i => "
        "({src: i.getAttribute('src'), alt: (i.getAttribute('alt') || '').trim(), "
        "ok: i.complete && i.naturalWidth > 0}))"
    )
    for image in images:
        name = Path(urlparse(image["src"]).path).name
        assert (
            image["alt"] and image["alt"] != name and not image["alt"].endswith(".png")
        ), f"image {image['src']} has no real alt text"
        assert image["ok"], f"image {image['src']} did not load"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / f"{page_name.replace('/', '_')}.png"), full_page=True
    )
    assert not errors, f"console errors on {page_name}: {errors}"


def test_navigation_links_resolve(server, browser):
    page, errors = _open(browser, urljoin(server, "intro.html"))
    try:
        hrefs = page.evaluate(
            "() => [...document.querySelectorAll('nav a[href], .bd-sidebar a[href], "
            ".prev-next-area a[href]')].map(a => a.href)"
        )
        local = sorted(
            {href.split("#")[0] for href in hrefs if href.startswith(server)}
        )
        assert len(local) >= len(PAGES), f"navigation lists only {local}"
        for href in local:
            response = page.request.get(href)
            assert response.ok, f"navigation link {href} answers {response.status}"
        for page_name in PAGES:
            assert urljoin(server, f"{page_name}.html") in local, (
                f"{page_name} is not in the navigation"
            )
    finally:
        page.close()
    assert not errors, errors


def test_launch_buttons_point_at_the_configured_repository(server, browser):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repository = config["repository"]["url"].removeprefix("https://github.com/")
    first_chapter = next(name for name in PAGES if name.startswith("chapters/"))
    html = (SITE / f"{first_chapter}.html").read_text()
    assert f"mybinder.org/v2/gh/{repository}" in html
    assert f"colab.research.google.com/github/{repository}" in html
    # No launch button may point at a host that does not exist; an instructor
    # adds their own hub in _config.yml (see the instructors page).
    assert "example.edu" not in html and "example.com" not in html


FIRST_CHAPTER = next(name for name in PAGES if name.startswith("chapters/"))
SIDEBAR_STATE = """side => {
    const sidebar = document.querySelector(`.bd-sidebar-${side}`);
    const box = sidebar.getBoundingClientRect();
    const dialog = document.querySelector(`#pst-${side}-sidebar-modal`);
    return {
        shown: getComputedStyle(sidebar).visibility !== "hidden"
            && box.right > 0 && box.left < window.innerWidth && box.width > 0,
        inDialog: Boolean(dialog && dialog.open),
    };
}"""


def _visible_toggle(page, side):
    toggles = page.locator(f"button.{side}-toggle")
    for index in range(toggles.count()):
        if toggles.nth(index).is_visible():
            return toggles.nth(index)
    raise AssertionError(f"no visible {side} toggle at this width")


@pytest.mark.parametrize("width", [390, 800])
@pytest.mark.parametrize("side", ["primary", "secondary"])
def test_the_drawers_open_when_tapped_on_a_phone_and_a_tablet(
    server, browser, width, side
):
    page, errors = _open(browser, urljoin(server, f"{FIRST_CHAPTER}.html"), width)
    try:
        assert not page.evaluate(SIDEBAR_STATE, side)["shown"]
        _visible_toggle(page, side).click()
        page.wait_for_timeout(300)
        state = page.evaluate(SIDEBAR_STATE, side)
        assert state["shown"] and state["inDialog"], f"the {side} drawer did not open"
        links = page.locator(f"#pst-{side}-sidebar-modal a[href]")
        assert links.count() > 0 and links.first.is_visible()
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)
        assert not page.evaluate(SIDEBAR_STATE, side)["inDialog"]
        assert not errors, errors
    finally:
        page.close()


def test_the_menu_button_hides_the_sidebar_on_a_desktop(server, browser):
    page, errors = _open(browser, urljoin(server, f"{FIRST_CHAPTER}.html"), 1280)
    try:
        assert page.evaluate(SIDEBAR_STATE, "primary")["shown"]
        _visible_toggle(page, "primary").click()
        page.wait_for_timeout(300)
        assert not page.evaluate(SIDEBAR_STATE, "primary")["shown"]
        _visible_toggle(page, "primary").click()
        page.wait_for_timeout(300)
        assert page.evaluate(SIDEBAR_STATE, "primary")["shown"]
        assert not errors, errors
    finally:
        page.close()


@pytest.mark.parametrize("where", ["title text", "bar", "button"])
def test_a_solution_opens_wherever_its_bar_is_clicked(server, browser, where):
    url = urljoin(server, f"{FIRST_CHAPTER}.html")
    page, errors = _open(browser, url)
    try:
        solution = page.locator(".solution.dropdown").first
        title = solution.locator(".admonition-title")
        title.scroll_into_view_if_needed()
        page.wait_for_timeout(200)
        assert "toggle-hidden" in solution.get_attribute("class")
        if where == "title text":
            title.locator("a").first.click()
        elif where == "bar":
            title.click(position={"x": 12, "y": 12})
        else:
            title.locator("button").click()
        page.wait_for_timeout(300)
        assert "toggle-hidden" not in solution.get_attribute("class"), (
            f"clicking the {where} did not open the solution"
        )
        assert page.url == url, f"clicking the {where} jumped to {page.url}"
        assert not errors, errors
    finally:
        page.close()


def test_printed_feedback_wraps_on_a_phone(server, browser):
    page, errors = _open(browser, urljoin(server, f"{FIRST_CHAPTER}.html"), 390)
    try:
        cut_off = page.evaluate(
            "() => [...document.querySelectorAll('div.cell_output pre')]"
            ".filter(pre => pre.textContent.match(/Correct|Not yet|Not attempted/))"
            ".filter(pre => pre.scrollWidth > pre.clientWidth + 1)"
            ".map(pre => pre.textContent.slice(0, 60))"
        )
        assert not cut_off, f"feedback cut off at 390 px: {cut_off[:3]}"
        assert not errors, errors
    finally:
        page.close()


def test_figures_fit_a_phone_unstretched_and_no_page_scrolls_sideways(phone):
    page_name, page, _ = phone
    wide = page.evaluate(
        "() => [...document.querySelectorAll('main img, main .animation')]"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".map(e => e.getAttribute('alt') || e.className)"
    )
    assert not wide, f"{page_name}: wider than a 390 px phone: {wide[:3]}"
    # A figure narrowed to the column keeps its shape (myst-nb writes its
    # natural height on the <img>, which once stretched every figure).
    stretched = page.evaluate(
        "() => [...document.querySelectorAll('main img')]"
        ".filter(e => e.complete && e.naturalWidth > 0 && e.clientHeight > 0)"
        ".filter(e => Math.abs((e.clientWidth / e.clientHeight)"
        " / (e.naturalWidth / e.naturalHeight) - 1) > 0.03)"
        ".map(e => (e.getAttribute('alt') || e.src).slice(0, 60))"
    )
    assert not stretched, f"{page_name}: figures stretched at 390 px: {stretched[:3]}"
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - window.innerWidth"
    )
    assert overflow <= 1, f"{page_name} scrolls {overflow} px sideways at 390 px"


AXE = ROOT / ".ci" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _serious_violations(page) -> list[str]:
    if not AXE.exists():
        _unavailable(
            "axe-core is not installed: `cd .ci && npm ci` (make lint does it)"
        )
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    return [
        f"{violation['id']} ({violation['impact']}): "
        f"{[node['target'][0] for node in violation['nodes']][:3]}"
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_no_serious_accessibility_violations_on_a_desktop(desktop):
    page_name, page, _ = desktop
    serious = _serious_violations(page)
    assert not serious, f"{page_name} at 1280 px: {serious}"


def test_no_serious_accessibility_violations_on_a_phone(phone):
    page_name, page, _ = phone
    serious = _serious_violations(page)
    assert not serious, f"{page_name} at 390 px: {serious}"
