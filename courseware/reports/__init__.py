"""Reports: completion by unit, class and course, with streamed CSV and XLSX exports."""

from courseware import jobs as job_queue


def init_app(app) -> None:
    """Let the job queue's worker run detailed exports."""
    from courseware.reports import jobs as export_jobs
    from courseware.reports.models import ExportJob

    job_queue.register(app, export_jobs.KIND, model=ExportJob, work=export_jobs.write_export)
