from django.urls import path

from audit.api import jobs
from audit.api.views import AuditEventListView

urlpatterns = [
    path("audit", AuditEventListView.as_view(), name="audit-list"),
    path("jobs/scheduler", jobs.SchedulerView.as_view(), name="jobs-scheduler"),
    path("jobs/scheduler/tick", jobs.SchedulerTickView.as_view(), name="jobs-scheduler-tick"),
    path("jobs/scheduler/<str:name>/resume", jobs.SchedulerResumeView.as_view(), name="jobs-scheduler-resume"),
    path("jobs/status", jobs.JobsStatusView.as_view(), name="jobs-status"),
]
