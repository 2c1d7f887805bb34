"""Developer tools for the desktop app: translations (``python -m app.ui.tools.i18n``) and screenshots
(``python -m app.ui.tools.screenshots``)."""
