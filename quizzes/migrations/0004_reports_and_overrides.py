# Reports and grade overrides: the compact per-question record of every closed attempt
# (backfilled from its snapshot), the score grading gave before an override, and two log kinds.

from django.db import migrations, models

from quizzes.item_analysis import record_responses


def backfill_item_responses(apps, schema_editor):
    Attempt = apps.get_model("quizzes", "Attempt")
    closed = Attempt.objects.exclude(status="in_progress").only("snapshot", "answers")
    for attempt in closed.iterator(chunk_size=200):
        attempt.item_responses = record_responses(attempt.snapshot, attempt.answers)
        attempt.save(update_fields=["item_responses"])


class Migration(migrations.Migration):

    dependencies = [
        ('quizzes', '0003_question_variant'),
    ]

    operations = [
        migrations.AddField(
            model_name='attempt',
            name='item_responses',
            field=models.JSONField(blank=True, default=list, help_text='Each question as asked and answered, compact, for reports (item_analysis.py).'),
        ),
        migrations.AddField(
            model_name='attempt',
            name='graded_score',
            field=models.FloatField(blank=True, help_text='The score grading gave, kept when an instructor overrides it.', null=True),
        ),
        migrations.AddField(
            model_name='attempt',
            name='override_reason',
            field=models.CharField(blank=True, help_text='Why an instructor changed the score (also logged).', max_length=500),
        ),
        migrations.AlterField(
            model_name='attemptevent',
            name='kind',
            field=models.CharField(choices=[('started', 'Started'), ('resumed', 'Resumed'), ('answered', 'Answered'), ('flagged', 'Flag changed'), ('refused', 'Save refused'), ('submitted', 'Submitted'), ('expired', 'Expired'), ('extended', 'Deadline changed'), ('overridden', 'Score overridden')], max_length=10),
        ),
        migrations.RunPython(backfill_item_responses, migrations.RunPython.noop),
    ]
