"""Main-menu entries of the campaigns app: (url name, label, action)."""

from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    ("campaigns:campaign_list", _("Phong trào"), "campaign.view"),
    ("campaigns:report_list", _("Báo cáo"), "report.view"),
    ("campaigns:model_list", _("Dân vận khéo"), "campaign.view"),
]
