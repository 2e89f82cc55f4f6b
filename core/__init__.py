"""The foundation: tenancy, the API kit, outbound HTTP, live events, shared counters and the registries apps
contribute to. It imports no domain app (`import-linter` holds that in `make test`)."""
