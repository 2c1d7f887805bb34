"""The setup wizard: connect both accounts, pair warehouses, prices and statuses, then a dry run."""

from app.ui.wizard.wizard import SetupWizard

__all__ = ["SetupWizard"]
