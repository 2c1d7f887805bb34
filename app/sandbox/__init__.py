"""Local emulators of RetailCRM API v5 and MoySklad JSON API 1.2 (tests, benchmarks, demo mode).

Import :class:`app.sandbox.sandbox.Sandbox` to run both; ``python -m app.sandbox`` serves them from a shell.
"""
