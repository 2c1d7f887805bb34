"""The orders flow RetailCRM → MoySklad as a package of steps, one job a module.

``flow`` (the runner), ``plan`` (reads and sums up), ``history`` (which orders this run), ``decide``
(pure: what to do with each order), ``existing`` (orders already in MoySklad), ``counterparties``,
``fingerprints``, ``delivery``, ``shipments``, ``statuses_back``, ``apply`` (writes), ``mapping`` (order →
customer order), ``cursors``, ``module_orders`` (orders RetailCRM's own MoySklad module exported) and
``work`` (what the plan decided). Import the flow from :mod:`app.sync.orders.flow`; this package imports
nothing, so its modules stay light.
"""
