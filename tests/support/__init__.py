"""Test-only helpers and pytest plugins: never imported by the product."""
