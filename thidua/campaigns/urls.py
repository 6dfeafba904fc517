from django.urls import path

from thidua.campaigns.views import campaigns, dashboards, io, registry, reports

app_name = "campaigns"
urlpatterns = [
    path("", campaigns.campaign_list, name="campaign_list"),
    path("new/", campaigns.campaign_create, name="campaign_create"),
    path("<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("<int:pk>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("<int:pk>/participants/", campaigns.participants_edit, name="participants_edit"),
    path("<int:pk>/indicators/new/", campaigns.indicator_create, name="indicator_create"),
    path("<int:pk>/rules/new/", campaigns.rule_create, name="rule_create"),
    path("<int:pk>/deadlines/", campaigns.deadline_set, name="deadline_set"),
    path("<int:pk>/targets/", campaigns.targets, name="targets"),
    path("targets/<int:pk>/<str:action>/", campaigns.target_action, name="target_action"),
    path("<int:pk>/reports/open/", reports.report_open, name="report_open"),
    path("<int:pk>/dashboard/", dashboards.campaign_dashboard, name="dashboard"),
    path("<int:pk>/groups/<int:gy>/dashboard/", dashboards.group_dashboard, name="group_dashboard"),
    path("reports/", reports.report_list, name="report_list"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/comments/<int:indicator_pk>/", reports.comment_add, name="comment_add"),
    path("reports/<int:pk>/evidence/", reports.evidence_upload, name="evidence_upload"),
    path("reports/<int:pk>/<str:action>/", reports.report_action, name="report_action"),
    path("evidence/<int:pk>/", reports.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", reports.evidence_delete, name="evidence_delete"),
    path("<int:pk>/export/<str:table>.<str:fmt>", io.export_campaign, name="export"),
    path("<int:pk>/dashboard/export/<str:table>.<str:fmt>", io.export_dashboard, name="export_dashboard"),
    path("<int:pk>/import/", io.import_values, name="import_values"),
    path("<int:pk>/import/template.<str:fmt>", io.import_template, name="import_template"),
    path("models/export.<str:fmt>", io.export_models, name="export_models"),
    path("models/", registry.model_list, name="model_list"),
    path("models/new/", registry.model_create, name="model_create"),
    path("models/<int:pk>/", registry.model_detail, name="model_detail"),
    path("models/<int:pk>/advance/", registry.model_advance, name="model_advance"),
]
