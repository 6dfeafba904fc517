"""Main-menu entries of the awards app: (url name, label, action)."""

from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    ("awards:index", _("Khen thưởng"), "award.view"),
    ("awards:history", _("Lịch sử khen thưởng"), "award.view"),
    ("awards:config", _("Cấu hình khen thưởng"), "award.configure"),
    ("awards:proposals", _("Đề nghị khen thưởng"), "award.view"),
]
