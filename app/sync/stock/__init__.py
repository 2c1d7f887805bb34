"""The stock flow: MoySklad stock sent to RetailCRM stores (one module per job; see docs/ARCHITECTURE.md)."""
