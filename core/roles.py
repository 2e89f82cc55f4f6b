"""The roles a member has in a project (what other apps check against; stored on `Membership`)."""

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    PM = "pm", "PM"
    VIEWER = "viewer", "Viewer"
