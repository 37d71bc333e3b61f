# The reports' aggregates read attempts through this index only: on SQLite a row's later
# columns sit behind the snapshot's overflow pages.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0005_question_versions"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="attempt",
            index=models.Index(
                fields=[
                    "quiz",
                    "status",
                    "user",
                    "started_at",
                    "finished_at",
                    "score",
                    "max_score",
                    "passed",
                ],
                name="attempt_report_cover",
            ),
        ),
    ]
