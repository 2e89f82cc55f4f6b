from django.urls import path

from crm.api import views

urlpatterns = [
    path("crm/accounts", views.AccountListView.as_view(), name="crm-accounts"),
    path("crm/opportunities", views.OpportunityListView.as_view(), name="crm-opportunities"),
    path("crm/overview", views.CrmOverviewView.as_view(), name="crm-overview"),
    path("crm/pipeline", views.PipelineView.as_view(), name="crm-pipeline"),
    path("clients/<str:account_id>", views.ClientView.as_view(), name="client"),
    path("crm/opportunities/<str:opportunity_id>/stage", views.OpportunityStageView.as_view(), name="crm-stage"),
]
