"""Each page's live partials: importing a module registers its partials (done in `AppConfig.ready`)."""

from ops_dashboard.panels import connectors, overview

__all__ = ["connectors", "overview"]
