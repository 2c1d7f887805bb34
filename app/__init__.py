"""Svyazka (Связка): keeps a shop's RetailCRM and MoySklad in sync."""

__version__ = "0.1.0"
APP_NAME = "Svyazka"
