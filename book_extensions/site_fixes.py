"""Two small fixes to the Jupyter Book 1.x page template, so pages load with no
console errors (the browser test checks this).

1. sphinx-thebe registers its inline configuration script twice, so every page
   logged "Identifier 'THEBE_JS_URL' has already been declared". We keep the
   first copy of each script.
2. The theme's default colour mode is empty unless set, and its script then logs
   "Got invalid theme mode". We default to "auto" (follow the reader's system).
"""

from __future__ import annotations


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


def setup(app):
    app.connect("config-inited", _default_mode, priority=900)
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
