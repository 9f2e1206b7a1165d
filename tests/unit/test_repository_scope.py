"""Every repository derives from the scoped base, and the base's statements carry the workspace."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import ClauseElement

import leadapi
from leadapi.events.models import Event
from leadapi.events.rows import EVENT_COLUMNS, EventRow
from leadapi.jobs.repository import JobRepository
from leadapi.leads.fields import LEAD_ROW_FIELDS, LeadRow
from leadapi.leads.models import Lead
from leadapi.repository import Repository, WorkspaceRepository

leads = cast(Table, Lead.__table__)
events = cast(Table, Event.__table__)

# Repositories over the whole database, each with the reason it has no one workspace.
UNSCOPED = {JobRepository: "the job queue: workers claim any workspace's jobs"}


def _repository_modules() -> list[Any]:
    names = [
        f"leadapi.{info.name}.repository"
        for info in pkgutil.iter_modules(leadapi.__path__)
        if info.ispkg and (Path(leadapi.__path__[0]) / info.name / "repository.py").exists()
    ]
    return [importlib.import_module(name) for name in sorted(names)]


def _repository_classes() -> list[type]:
    return [
        cls
        for module in _repository_modules()
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if cls.__module__ == module.__name__ and cls.__name__.endswith("Repository")
    ]


def test_every_repository_module_is_found() -> None:
    found = {module.__name__.split(".")[1] for module in _repository_modules()}
    assert {"leads", "events", "routing", "reports", "jobs", "workspaces"} <= found
    assert len(_repository_classes()) >= 12


def test_every_repository_derives_from_the_scoped_base() -> None:
    for cls in _repository_classes():
        if cls in UNSCOPED:
            assert issubclass(cls, Repository), cls
        else:
            assert issubclass(cls, WorkspaceRepository), f"{cls.__module__}.{cls.__name__}"


def test_no_repository_writes_the_workspace_filter_by_hand() -> None:
    """The filter comes from the base (`scoped_*`, `scope`, `in_workspace`), not a comparison
    written in a method, which is the one a new statement forgets."""
    by_hand = re.compile(r"\.c\.workspace_id\s*==\s*self\.")
    for module in _repository_modules():
        source = inspect.getsource(module)
        assert not by_hand.search(source), module.__name__


def _sql(statement: ClauseElement, dialect: Any) -> str:
    return str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def test_scoped_statements_filter_on_the_workspace() -> None:
    repo = WorkspaceRepository(cast(Any, None), "ws_a")
    dialects = (sqlite.dialect(), postgresql.dialect())  # type: ignore[no-untyped-call]
    for dialect in dialects:
        select_sql = _sql(repo.scoped_select(leads).where(leads.c.id == "ld_1"), dialect)
        assert "WHERE leads.workspace_id = 'ws_a' AND leads.id = 'ld_1'" in select_sql
        columns_sql = _sql(repo.scoped_select(leads, leads.c.id), dialect)
        assert columns_sql.startswith("SELECT leads.id \nFROM leads \nWHERE leads.workspace_id = 'ws_a'")
        update_sql = _sql(repo.scoped_update(leads).values(stage="mql"), dialect)
        assert update_sql.endswith("WHERE leads.workspace_id = 'ws_a'")
        delete_sql = _sql(repo.scoped_delete(events).where(events.c.lead_id == "ld_1"), dialect)
        assert delete_sql.endswith("WHERE events.workspace_id = 'ws_a' AND events.lead_id = 'ld_1'")


def test_a_stamped_row_is_in_the_repository_workspace_whatever_it_says() -> None:
    repo = WorkspaceRepository(cast(Any, None), "ws_a")
    assert repo.row({"id": "x", "workspace_id": "ws_b"}) == {"id": "x", "workspace_id": "ws_a"}
    assert repo.params(_id="x") == {"_id": "x", "_ws": "ws_a"}


def test_the_typed_rows_name_their_tables_columns() -> None:
    assert set(LeadRow.__annotations__) == {c.name for c in leads.c}
    assert tuple(LeadRow.__annotations__) == LEAD_ROW_FIELDS
    assert tuple(c.name for c in events.c) == EVENT_COLUMNS
    assert tuple(EventRow.__annotations__) == EVENT_COLUMNS
