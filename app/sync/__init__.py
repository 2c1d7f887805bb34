"""The sync engine's logic: pure Python, no Qt, no HTTP, no SQL.

``keys`` and ``matching`` pair catalog items, ``statusmap`` suggests and checks the order-status map,
``counterparty`` finds the MoySklad counterparty of a customer. Import from those modules directly.
"""
