"""Svyazka and the operating system: start at login (``autostart``) and the headless sync on the OS scheduler
(``os_schedule``), one small backend module per OS. No Qt here: the Schedule tab and the CLI both use it.

Every path and every command these modules touch is injectable (``Paths``, ``Runner``), so tests write into
temporary folders and never change the real user's autostart or scheduler.
"""
