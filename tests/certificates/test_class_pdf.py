"""A class's certificates in one PDF, drawn by the job worker: one page per certificate, every name
read back from the PDF's text, the progress shown while it runs, and outsiders refused."""

import io
import re

import pypdf
import pytest
import sqlalchemy as sa

from courseware import jobs
from courseware.accounts.models import AuditEvent, Role
from courseware.certificates import batch
from courseware.certificates.batch import ClassCertificatesJob
from courseware.db import db
from tests.conftest import Auth
from tests.pdfread import embedded_fonts, pdf_lines


@pytest.fixture
def three(app, make_user, make_unit, make_class, complete_course):
    """A class of three, two of whom hold a certificate (one named 𠮷祥), taught by `teacher`."""
    hz = make_unit("浙江省", "杭州市")
    teacher = make_user(Role.INSTRUCTOR, username="teacher", unit_id=hz)
    make_user(Role.INSTRUCTOR, username="other", unit_id=hz)
    rare = make_user(username="rare", name="𠮷祥", unit_id=hz)
    plain = make_user(username="plain", name="王芳", unit_id=hz)
    idle = make_user(username="idle", name="李四", unit_id=hz)
    cohort = make_class([teacher], [rare, plain, idle], name="一班", unit_id=hz)
    complete_course(rare)
    complete_course(plain)
    return cohort


def _start(client, auth, cohort):
    auth.login("teacher")
    grid = client.get(f"/teach/classes/{cohort}/progress").text
    assert f'action="/teach/classes/{cohort}/certificates.pdf"' in grid
    started = auth.post(f"/teach/classes/{cohort}/certificates.pdf")
    assert started.status_code == 302
    job_id = int(re.search(r"/teach/certificate-jobs/(\d+)$", started.location).group(1))
    return job_id


def test_the_worker_draws_one_page_per_certificate(app, client, auth, three):
    job_id = _start(client, auth, three)
    waiting = client.get(f"/teach/certificate-jobs/{job_id}", headers={"HX-Request": "true"})
    assert "data-hx-get" in waiting.text  # the page keeps asking while the job waits

    assert jobs.run(app, batch.KIND, job_id)  # what the worker does with the message

    done = client.get(f"/teach/certificate-jobs/{job_id}")
    assert done.status_code == 200
    assert "data-hx-get" not in done.text
    assert f"/teach/certificate-jobs/{job_id}/download" in done.text
    download = client.get(f"/teach/certificate-jobs/{job_id}/download")
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    data = download.get_data()
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 2
    lines = pdf_lines(data)
    assert "𠮷祥" in lines
    assert "王芳" in lines
    assert "李四" not in lines  # no certificate, no page
    assert "☒" not in "\n".join(lines)
    assert embedded_fonts(data)["HanaMinA"] is True
    with app.app_context():
        job = db.session.get(ClassCertificatesJob, job_id)
        assert (job.done, job.total, job.percent) == (2, 2, 100)
        actions = db.session.scalars(sa.select(AuditEvent.action)).all()
        assert "certificate.class_pdf" in actions
        assert "certificate.class_pdf_download" in actions


def test_a_class_without_certificates_starts_nothing(app, client, auth, make_user, make_class):
    teacher = make_user(Role.INSTRUCTOR, username="lonely")
    learner = make_user(username="new", name="新人")
    cohort = make_class([teacher], [learner])
    auth.login("lonely")
    response = auth.post(f"/teach/classes/{cohort}/certificates.pdf", follow_redirects=True)
    assert response.status_code == 200
    assert "本班还没有人获得证书。" in response.text  # the default language, zh
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ClassCertificatesJob.id))) == 0


def test_outsiders_are_refused(app, client, auth, three):
    job_id = _start(client, auth, three)
    jobs.run(app, batch.KIND, job_id)
    other = Auth(app.test_client())
    other.login("other")  # an instructor of the same unit who does not teach the class
    assert other.post(f"/teach/classes/{three}/certificates.pdf").status_code == 404
    assert other.client.get(f"/teach/certificate-jobs/{job_id}").status_code == 404
    assert other.client.get(f"/teach/certificate-jobs/{job_id}/download").status_code == 404
    learner = Auth(app.test_client())
    learner.login("rare")
    assert learner.client.get(f"/teach/certificate-jobs/{job_id}/download").status_code in {
        403,
        404,
    }
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ClassCertificatesJob.id))) == 1
