"""The career gates share their simulated careers across pytest-xdist's workers
(tests/support/reports.py): in the run's temporary folder, which every worker of a run shares."""

from __future__ import annotations

import os

import pytest

from tests.support.reports import share_in


@pytest.fixture(scope="session", autouse=True)
def _shared_reports(tmp_path_factory: pytest.TempPathFactory) -> None:
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):  # each worker has a folder of its own below the run's
        base = base.parent
    share_in(base / "career-reports")
