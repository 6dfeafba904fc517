"""Main-menu entries of scoring: shown to users who hold the action somewhere."""

from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    ("scoring:index", _("Chấm điểm thi đua"), "group.view"),
    ("scoring:rounds", _("Đăng ký thi đua"), "registration.submit"),
]
