"""The catalog flow: both catalogs read, matched and kept in step (one module per job; see docs/ARCHITECTURE.md)."""
