"""Seed the preset task kinds for every project that has trajectories, so the role
division page never has to write when it is opened (new trajectories seed their project's
kinds when they start)."""

import uuid

from django.db import migrations

PRESET_BELONGS = {
    "company": "buddy",
    "dutch": "buddy",
    "appointment": "anyone",
    "neighbourhood": "buddy",
    "paperwork": "professional",
    "money": "professional",
    "care": "professional",
    "crisis": "professional",
}


def seed(apps, schema_editor):
    Trajectory = apps.get_model("trajectories", "Trajectory")
    TaskKind = apps.get_model("trajectories", "TaskKind")
    project_ids = set(Trajectory._base_manager.values_list("project_id", flat=True))
    having = set(TaskKind._base_manager.values_list("project_id", flat=True))
    TaskKind._base_manager.bulk_create(
        [
            TaskKind(project_id=pid, preset=preset, belongs_to=belongs, code=uuid.uuid4())
            for pid in sorted(project_ids - having)
            for preset, belongs in PRESET_BELONGS.items()
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("trajectories", "0004_project_owned_and_constraints")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
