from django.urls import path

from thidua.awards import views, views_config, views_facts, views_history, views_proposals

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
    path("facts/people/<int:pk>/", views_facts.person_facts, name="person_facts"),
    path("facts/units/<int:pk>/", views_facts.unit_facts, name="unit_facts"),
    path("facts/import/", views_facts.facts_import, name="facts_import"),
    path("facts/<slug:subject>/<int:pk>/<slug:kind>/add/", views_facts.fact_add, name="fact_add"),
    path("facts/<slug:kind>/<int:pk>/edit/", views_facts.fact_edit, name="fact_edit"),
    path("facts/<slug:kind>/<int:pk>/delete/", views_facts.fact_delete, name="fact_delete"),
    path("proposals/", views_proposals.index, name="proposals"),
    path("proposals/units/<int:pk>/<int:year>/", views_proposals.unit_year, name="proposals_unit_year"),
    path("proposals/units/<int:pk>/<int:year>/new/", views_proposals.create, name="proposal_create"),
    path("proposals/units/<int:pk>/<int:year>/decide/", views_proposals.decide, name="proposals_decide"),
    path("proposals/<int:pk>/withdraw/", views_proposals.withdraw, name="proposal_withdraw"),
    path("proposals/<int:pk>/dossier/", views_proposals.dossier_received, name="proposal_dossier"),
]
