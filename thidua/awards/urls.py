from django.urls import path

from thidua.awards import views, views_config, views_history

app_name = "awards"
urlpatterns = [
    path("", views.index, name="index"),
    path("units/<int:pk>/<int:year>/", views.unit_year, name="unit_year"),
    path("units/<int:pk>/<int:year>/evaluate/", views.run_start, name="run_start"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/export.<str:fmt>", views.run_export, name="run_export"),
    path("explain/", views.explain, name="explain"),
    path("history/", views_history.history, name="history"),
    path("history/people/<int:pk>/", views_history.person_history, name="person_history"),
    path("history/units/<int:pk>/", views_history.unit_history, name="unit_history"),
    path("decisions/new/", views_history.decision_create, name="decision_create"),
    path("decisions/import/", views_history.decision_import, name="decision_import"),
    path("decisions/import/template.xlsx", views_history.import_template, name="import_template"),
    path("decisions/<int:pk>/", views_history.decision_detail, name="decision_detail"),
    path("config/", views_config.config, name="config"),
    path("config/add/", views_config.config_add, name="config_add"),
    path("config/<int:pk>/end/", views_config.config_end, name="config_end"),
    path("config/<int:pk>/delete/", views_config.config_delete, name="config_delete"),
    path("rulesets/new/", views_config.ruleset_edit, name="ruleset_create"),
    path("rulesets/<int:pk>/", views_config.ruleset_edit, name="ruleset_edit"),
]
