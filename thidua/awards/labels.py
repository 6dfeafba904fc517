"""Names of the condition keys of the shipped rules, for lists of near misses (vi msgids)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CONDITION_LABELS = {
    "rating": _("xếp loại"),
    "months_worked": _("thời gian công tác"),
    "advanced_laborer": _("đạt Lao động tiên tiến"),
    "contribution": _("xuất sắc hoặc có sáng kiến"),
    "excellent_rating": _("hoàn thành xuất sắc nhiệm vụ"),
    "initiative": _("sáng kiến"),
    "prior_grassroots_soldier": _("Chiến sĩ thi đua cơ sở các năm liền trước"),
    "provincial_initiative": _("sáng kiến phạm vi cấp tỉnh"),
    "prior_provincial_soldier": _("Chiến sĩ thi đua cấp tỉnh các năm liền trước"),
    "national_initiative": _("sáng kiến phạm vi toàn quốc"),
    "advanced_share": _("tỷ lệ Lao động tiên tiến"),
    "members_discipline": _("không có thành viên bị kỷ luật từ cảnh cáo"),
    "all_members_complete": _("tất cả thành viên hoàn thành nhiệm vụ"),
    "grassroots_soldier": _("có Chiến sĩ thi đua cơ sở"),
    "leads_group": _("dẫn đầu cụm, khối"),
    "exceeded_targets": _("vượt chỉ tiêu"),
    "exemplary": _("thành tích tiêu biểu"),
    "grounds": _("căn cứ khen thưởng"),
    "achievement": _("thành tích"),
    "no_open_investigation": _("không đang bị điều tra, thanh tra, xác minh"),
    "no_discipline": _("không bị kỷ luật"),
    "not_dissolved": _("đơn vị chưa giải thể"),
}


def condition_label(key: str) -> str:
    return str(CONDITION_LABELS.get(key, key))
