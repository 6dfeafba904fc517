from django.urls import path

from thidua.voting.views import councils, sessions

app_name = "voting"

urlpatterns = [
    path("", sessions.session_list, name="session_list"),
    path("councils/", councils.council_list, name="council_list"),
    path("councils/new/", councils.council_create, name="council_create"),
    path("councils/<int:pk>/", councils.council_detail, name="council_detail"),
    path("councils/<int:pk>/members/", councils.member_add, name="member_add"),
    path("members/<int:pk>/end/", councils.member_end, name="member_end"),
    path("councils/<int:pk>/sessions/new/", sessions.session_create, name="session_create"),
    path("rules/", councils.rule_list, name="rule_list"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:pk>/delete/", sessions.session_delete, name="session_delete"),
    path("sessions/<int:pk>/candidates/", sessions.candidate_add, name="candidate_add"),
    path("candidates/<int:pk>/remove/", sessions.candidate_remove, name="candidate_remove"),
    path("sessions/<int:pk>/roll/", sessions.roll_call, name="roll_call"),
    path("sessions/<int:pk>/open/", sessions.session_open, name="session_open"),
    path("sessions/<int:pk>/vote/", sessions.ballot_cast, name="ballot_cast"),
    path("sessions/<int:pk>/box/", sessions.paper_box, name="paper_box"),
    path("sessions/<int:pk>/box/close/", sessions.paper_box_close, name="paper_box_close"),
    path("sessions/<int:pk>/papers/new/", sessions.paper_enter, name="paper_enter"),
    path("sessions/<int:pk>/progress/", sessions.progress, name="progress"),
    path("sessions/<int:pk>/close/", sessions.session_close, name="session_close"),
    path("sessions/<int:pk>/papers/", sessions.papers, name="papers"),
    path("sessions/<int:pk>/minutes.<str:fmt>", sessions.minutes_download, name="minutes"),
]
