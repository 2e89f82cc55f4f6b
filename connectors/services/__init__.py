"""Connector services: sync runs, state and leases, errors and dead letters, configs."""
