from django.urls import path

from jobs.api import views

urlpatterns = [
    path("jobs/scheduler", views.SchedulerView.as_view(), name="jobs-scheduler"),
    path("jobs/scheduler/tick", views.SchedulerTickView.as_view(), name="jobs-scheduler-tick"),
    path("jobs/scheduler/<str:name>/resume", views.SchedulerResumeView.as_view(), name="jobs-scheduler-resume"),
    path("jobs/status", views.JobsStatusView.as_view(), name="jobs-status"),
]
