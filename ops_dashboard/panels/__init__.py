"""Each page's live partials: importing a module registers its partials (done in `AppConfig.ready`)."""

from ops_dashboard.panels import connectors, crm, jobs, overview, settings, sources

__all__ = ["connectors", "crm", "jobs", "overview", "settings", "sources"]
