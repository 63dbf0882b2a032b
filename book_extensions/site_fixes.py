"""Small fixes to the Jupyter Book 1.x page template (the browser test checks each).

1. sphinx-thebe registers its inline configuration script twice, so every page
   logged "Identifier 'THEBE_JS_URL' has already been declared". We keep the
   first copy of each script.
2. The theme's default colour mode is empty unless set, and its script then logs
   "Got invalid theme mode". We default to "auto" (follow the reader's system).
3. ``static/site_fixes.js``: the sidebar drawers open on a phone, and a click
   anywhere on a solution's bar opens it; ``static/site_fixes.css``: printed
   output wraps instead of being cut off.
"""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).parent / "static"


def _default_mode(app, config) -> None:
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "auto")
    config.html_context = context


def _drop_duplicate_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen = set()
    unique = []
    for script in scripts:
        # The same inline script arrives once with filename None and once with "".
        filename = getattr(script, "filename", script) or ""
        key = (str(filename), getattr(script, "attributes", {}).get("body", ""))
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    context["script_files"] = unique


def _add_static(app, config) -> None:
    config.html_static_path = [*config.html_static_path, str(STATIC)]


def setup(app):
    app.connect("config-inited", _default_mode, priority=900)
    app.connect("config-inited", _add_static, priority=900)
    app.add_js_file("site_fixes.js", loading_method="defer")
    app.add_css_file("site_fixes.css")
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
