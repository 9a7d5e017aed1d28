"""Shared by the robustness tests."""

from __future__ import annotations

import tempfile

import pytest


@pytest.fixture(autouse=True)
def _error_logs_in_tmp_path(tmp_path_factory, monkeypatch: pytest.MonkeyPatch) -> None:
    """An internal error saves its traceback with tempfile.mkstemp: keep those logs out of /tmp."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path_factory.mktemp("logs")))
