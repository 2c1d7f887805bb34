"""Benchmarks of the sync against the sandbox (not part of the test suite): see benchmarks/README.md."""
