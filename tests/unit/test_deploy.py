"""deploy/: the compose file and the Kubernetes manifests parse, run the processes the README
describes, and set only settings leadapi has (a misspelt LEADAPI_ name would be silently
ignored). Docker and a cluster are not needed: the files are read as YAML."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from leadapi.config import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
# Added by the read-replica work (issue 24); deploy/ sets it for the reads it serves.
PENDING_SETTINGS = {"read_database_url"}


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    return loaded


def _manifests() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for path in sorted((DEPLOY / "kubernetes").glob("*.yaml")):
        docs += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return docs


def _known(name: str) -> bool:
    field = name.removeprefix("LEADAPI_").lower()
    return field in Settings.model_fields or field in PENDING_SETTINGS


def test_compose_runs_a_primary_a_replica_the_api_workers_and_a_proxy() -> None:
    services = _compose()["services"]
    assert set(services) == {"postgres-primary", "postgres-replica", "migrate", "api", "worker", "proxy"}
    api, worker = services["api"], services["worker"]
    assert api["command"] == ["leadapi", "serve"]
    assert api["environment"]["LEADAPI_BACKGROUND_IN_SERVE"] == "false"  # the workers do it
    assert worker["command"][:2] == ["leadapi", "worker"]
    assert api["deploy"]["replicas"] >= 2
    assert worker["deploy"]["replicas"] >= 2
    for service in (api, worker, services["migrate"]):
        env = service["environment"]
        assert "@postgres-primary:" in env["LEADAPI_DATABASE_URL"]
        assert "@postgres-replica:" in env["LEADAPI_READ_DATABASE_URL"]
        assert all(_known(name) for name in env), sorted(env)
    # Both after the schema is migrated; the API reads from the replica, so after it too.
    assert api["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert worker["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "postgres-replica" in api["depends_on"]
    replica = services["postgres-replica"]
    start = (DEPLOY / replica["volumes"][1].split(":")[0]).read_text()
    assert "pg_basebackup" in start
    assert " -R " in start  # a streaming standby, not a second primary
    assert (DEPLOY / "postgres" / "primary-init.sh").read_text().count("replication") >= 2
    assert "server api:8000" in (DEPLOY / "proxy" / "nginx.conf").read_text()


def test_kubernetes_has_the_api_workers_a_service_config_and_a_migration_job() -> None:
    docs = _manifests()
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for doc in docs:
        by_kind.setdefault(doc["kind"], []).append(doc)
    assert {"Kustomization", "Namespace", "ConfigMap", "Secret", "Job", "Deployment", "Service"} <= set(
        by_kind
    )
    kustomization = by_kind["Kustomization"][0]
    listed = set(kustomization["resources"])
    assert listed == {p.name for p in (DEPLOY / "kubernetes").glob("*.yaml")} - {"kustomization.yaml"}
    deployments = {d["metadata"]["name"]: d for d in by_kind["Deployment"]}
    assert set(deployments) == {"leadapi-api", "leadapi-worker"}
    commands = {
        name: d["spec"]["template"]["spec"]["containers"][0]["command"] for name, d in deployments.items()
    }
    assert commands["leadapi-api"] == ["leadapi", "serve"]
    assert commands["leadapi-worker"][:2] == ["leadapi", "worker"]
    job = by_kind["Job"][0]["spec"]["template"]["spec"]["containers"][0]
    assert job["command"] == ["leadapi", "migrate"]
    service = by_kind["Service"][0]
    assert service["spec"]["selector"] == deployments["leadapi-api"]["spec"]["template"]["metadata"]["labels"]
    for container in [job, *(d["spec"]["template"]["spec"]["containers"][0] for d in deployments.values())]:
        sources = {next(iter(source)) for source in container["envFrom"]}
        assert sources == {"configMapRef", "secretRef"}
        assert all(_known(item["name"]) for item in container.get("env", []))
    api_env = {
        e["name"]: e["value"]
        for e in deployments["leadapi-api"]["spec"]["template"]["spec"]["containers"][0]["env"]
    }
    assert api_env["LEADAPI_BACKGROUND_IN_SERVE"] == "false"
    shared = {**by_kind["ConfigMap"][0]["data"], **by_kind["Secret"][0]["stringData"]}
    assert {"LEADAPI_DATABASE_URL", "LEADAPI_READ_DATABASE_URL", "LEADAPI_SECRET_KEYS"} <= set(shared)
    assert all(_known(name) for name in shared), sorted(shared)


def test_every_setting_deploy_uses_is_one_leadapi_reads() -> None:
    text = "\n".join(p.read_text() for p in DEPLOY.rglob("*") if p.is_file())
    names = set(re.findall(r"\bLEADAPI_[A-Z_]+\b", text))
    assert "LEADAPI_DATABASE_URL" in names
    assert all(_known(name) for name in names), sorted(n for n in names if not _known(n))
