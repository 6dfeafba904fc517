"""Background tasks of the awards app (run by ``thidua db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def evaluate_run(run_id: int) -> None:
    """Evaluate a stored run (progress and results are written on the run)."""
    from thidua.awards.services.runs import run_evaluation

    run_evaluation(run_id)
