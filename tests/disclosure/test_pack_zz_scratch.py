import datetime as dt

import pytest

from disclosure.services.packs import pack_request
from tests.factories import celery_eager, pack_case


@pytest.mark.django_db
def test_dump(staff, django_capture_on_commit_callbacks):
    rr = pack_case(
        manager_user=staff["manager"],
        caseworker_user=staff["caseworker"],
        today=dt.date(2026, 3, 16),
        title='Referral <img src="file:///etc/passwd">',
    )
    with celery_eager(), django_capture_on_commit_callbacks(execute=True):
        pack = pack_request(request=rr, by=staff["caseworker"], today=dt.date(2026, 3, 16), preview=False)
    pack.refresh_from_db()
    open("/tmp/e2/case.pdf", "wb").write(pack.file.read())
    import json

    open("/tmp/e2/case.json", "w").write(json.dumps(pack.verification, indent=1))
