"""Reports: completion by unit, class and course, with streamed CSV and XLSX exports."""

from courseware import jobs as job_queue


def init_app(app) -> None:
    """Let the job queue's worker run detailed exports and units' record workbooks."""
    from courseware.reports import jobs as export_jobs
    from courseware.reports import record_jobs
    from courseware.reports.models import ExportJob

    job_queue.register(app, export_jobs.KIND, model=ExportJob, work=export_jobs.write_export)
    job_queue.register(
        app, record_jobs.KIND, model=record_jobs.UnitRecordsJob, work=record_jobs.write_workbook
    )
