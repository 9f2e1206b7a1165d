"""openapi/openapi.json is generated from the app (`make openapi`) and must not drift."""

from __future__ import annotations

import json
from pathlib import Path

from leadapi.app import create_app
from leadapi.config import Settings

COMMITTED = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"


def current_document() -> str:
    app = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:", bootstrap=False, _env_file=None))
    return json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n"


def test_openapi_is_fresh() -> None:
    assert COMMITTED.exists(), "run `make openapi`"
    assert COMMITTED.read_text() == current_document(), "openapi/openapi.json is stale: run `make openapi`"


def test_operation_ids_are_client_friendly() -> None:
    document = json.loads(current_document())
    ids = [op["operationId"] for path in document["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert all(i.replace("_", "").isalnum() and i.islower() for i in ids), ids
    for expected in ("create_lead", "list_leads", "get_lead", "update_lead", "delete_lead", "create_api_key"):
        assert expected in ids
