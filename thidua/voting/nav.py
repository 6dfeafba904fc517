"""Main-menu entries of the voting app: (url name, label, action)."""

from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    ("voting:session_list", _("Bỏ phiếu"), "ballot.vote"),
    ("voting:council_list", _("Hội đồng TĐKT"), "ballot.manage"),
]
