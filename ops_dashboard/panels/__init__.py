"""Each page's live partials: importing a module registers its partials (done in `AppConfig.ready`)."""

from ops_dashboard.panels import connectors, jobs, overview, settings, sources

__all__ = ["connectors", "jobs", "overview", "settings", "sources"]
