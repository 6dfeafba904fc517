from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_login_throttle'),
    ]

    operations = [
        migrations.AddField(
            model_name='apitoken',
            name='password_stamp',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name='apitoken',
            name='expires_at',
            field=models.DateTimeField(null=True, verbose_name='hết hạn'),
        ),
    ]
