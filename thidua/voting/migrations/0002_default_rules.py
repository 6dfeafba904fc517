"""The default vote rules (thidua/voting/rules.py DEFAULTS, frozen here): dated shares with certainty marks."""

import datetime as dt

from django.db import migrations

# (kind, subject, label, numerator, denominator, valid_from, valid_to, certainty, source)
ROWS = [
    ('threshold', 'CSTD_CS', 'Chiến sĩ thi đua cơ sở', 4, 5, '2024-01-01', '2025-07-01', 'C', 'Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7'),
    ('threshold', 'CSTD_CS', 'Chiến sĩ thi đua cơ sở', 4, 5, '2025-07-01', None, 'U', 'Nghị định 152/2025/NĐ-CP (chưa xác nhận giữ tỷ lệ của Nghị định 98/2023)'),
    ('threshold', 'CSTD_TINH', 'Chiến sĩ thi đua cấp tỉnh', 9, 10, '2024-01-01', '2025-07-01', 'C', 'Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7'),
    ('threshold', 'CSTD_TINH', 'Chiến sĩ thi đua cấp tỉnh', 9, 10, '2025-07-01', None, 'U', 'Nghị định 152/2025/NĐ-CP (chưa xác nhận giữ tỷ lệ của Nghị định 98/2023)'),
    ('threshold', 'CSTD_TQ', 'Chiến sĩ thi đua toàn quốc', 9, 10, '2024-01-01', '2025-07-01', 'C', 'Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7'),
    ('threshold', 'CSTD_TQ', 'Chiến sĩ thi đua toàn quốc', 9, 10, '2025-07-01', None, 'U', 'Nghị định 152/2025/NĐ-CP (chưa xác nhận giữ tỷ lệ của Nghị định 98/2023)'),
    ('threshold', 'CO_TINH', 'Cờ thi đua của Ủy ban nhân dân tỉnh', 4, 5, '2024-01-01', '2025-07-01', 'C', 'Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7'),
    ('threshold', 'CO_TINH', 'Cờ thi đua của Ủy ban nhân dân tỉnh', 4, 5, '2025-07-01', None, 'U', 'Nghị định 152/2025/NĐ-CP (chưa xác nhận giữ tỷ lệ của Nghị định 98/2023)'),
    ('threshold', 'CO_CP', 'Cờ thi đua của Chính phủ', 4, 5, '2024-01-01', '2025-07-01', 'C', 'Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7'),
    ('threshold', 'CO_CP', 'Cờ thi đua của Chính phủ', 4, 5, '2025-07-01', None, 'U', 'Nghị định 152/2025/NĐ-CP (chưa xác nhận giữ tỷ lệ của Nghị định 98/2023)'),
    ('threshold', '*', 'Hình thức khác (bằng khen, giấy khen…)', 1, 2, '2024-01-01', None, 'U', 'Chưa có căn cứ: tạm lấy từ một nửa tổng số thành viên, địa phương cần quy định'),
    ('threshold', 'tie_break', 'Phân định các đơn vị bằng điểm', 1, 2, '2024-01-01', None, 'U', 'Chưa có căn cứ: tạm lấy từ một nửa tổng số thành viên'),
    ('threshold', 'election', 'Bầu chọn', 1, 2, '2024-01-01', None, 'U', 'Chưa có căn cứ: tạm lấy từ một nửa tổng số thành viên'),
    ('quorum', '*', 'Có mặt tối thiểu', 2, 3, '2024-01-01', None, 'P', 'Thực tiễn: quy chế Hà Nội, Bắc Ninh 2025 (từ 2/3 tổng số thành viên có mặt)'),
    ('participation', 'award_review', 'Tham gia bỏ phiếu tối thiểu (xét khen thưởng)', 4, 5, '2024-01-01', None, 'P', 'Thực tiễn: Bắc Ninh 2025 (từ 80% thành viên tham gia, kể cả bỏ phiếu bằng văn bản)'),
]


def load(apps, schema_editor):
    BallotRule = apps.get_model("voting", "BallotRule")
    for kind, subject, label, num, den, start, end, certainty, source in ROWS:
        start = dt.date.fromisoformat(start)
        if BallotRule.objects.filter(kind=kind, subject=subject, valid_from=start, unit__isnull=True).exists():
            continue
        BallotRule.objects.create(
            kind=kind,
            subject=subject,
            label=label,
            share_num=num,
            share_den=den,
            valid_from=start,
            valid_to=dt.date.fromisoformat(end) if end else None,
            unit=None,
            certainty=certainty,
            source=source,
        )


class Migration(migrations.Migration):
    dependencies = [("voting", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
