"""The Kubernetes manifests in deploy/kubernetes: valid against the API's OpenAPI schema
(kubernetes-validate ships it, so this runs offline), within the "restricted" Pod Security
Standard, and fit for the service: a pinned image, bounded resources, the Google key where
bookings are made, one node for the ReadWriteOnce volume, no second run for exit 1, and a
ConfigMap that carries every file of the config folder, sub-folders included.

The Pod Security checks follow the published profile (kubernetes.io, "Pod Security
Standards": the Baseline controls plus the Restricted ones), one function per control."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from sync.web.production import GRACE_SECONDS

ROOT = Path(__file__).parent.parent.parent
MANIFESTS = ROOT / "deploy" / "kubernetes"
# the oldest Kubernetes the manifests promise to work on: podFailurePolicy is GA from 1.31
KUBERNETES_VERSION = "1.31.0"

Doc = dict[str, Any]


def _documents() -> list[tuple[str, Doc]]:
    found = []
    for path in sorted(MANIFESTS.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                found.append((f"{path.name}:{doc['kind']}/{doc['metadata']['name']}", doc))
    return found


DOCUMENTS = _documents()


def _by_kind(kind: str) -> Doc:
    (doc,) = [doc for _, doc in DOCUMENTS if doc["kind"] == kind]
    return doc


def _pod_spec(doc: Doc) -> Doc | None:
    if doc["kind"] == "CronJob":
        return doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]  # type: ignore[no-any-return]
    if doc["kind"] in ("Deployment", "Job", "StatefulSet", "DaemonSet"):
        return doc["spec"]["template"]["spec"]  # type: ignore[no-any-return]
    return None


POD_SPECS = [(name, spec) for name, doc in DOCUMENTS if (spec := _pod_spec(doc)) is not None]


def _containers(spec: Doc) -> Iterator[Doc]:
    for field in ("initContainers", "containers", "ephemeralContainers"):
        yield from spec.get(field) or []


# --- the schema ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "doc"), DOCUMENTS, ids=[name for name, _ in DOCUMENTS])
def test_each_manifest_is_valid_against_the_kubernetes_schema(name: str, doc: Doc) -> None:
    # strict: a misspelt or misplaced field is an error, not silently dropped by the API
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_schema_check_refuses_a_misplaced_field() -> None:
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(
            {**service, "spec": {"port": 80}}, KUBERNETES_VERSION, strict=True
        )


# --- Pod Security Standards: Baseline -----------------------------------------------------

BASELINE_CAPABILITIES = {
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
    "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}  # fmt: skip
SAFE_SYSCTLS = {
    "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
}  # fmt: skip


def baseline_violations(spec: Doc) -> list[str]:
    found = []
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(field):
            found.append(f"Host Namespaces: {field}")
    if any(v.get("hostPath") is not None for v in spec.get("volumes") or []):
        found.append("HostPath Volumes")
    pod_context = spec.get("securityContext") or {}
    contexts = [pod_context] + [c.get("securityContext") or {} for c in _containers(spec)]
    for container in _containers(spec):
        context = container.get("securityContext") or {}
        if context.get("privileged"):
            found.append(f"Privileged Containers: {container['name']}")
        added = set((context.get("capabilities") or {}).get("add") or [])
        if added - BASELINE_CAPABILITIES:
            found.append(f"Capabilities: {container['name']} adds {sorted(added)}")
        if any(p.get("hostPort") for p in container.get("ports") or []):
            found.append(f"Host Ports: {container['name']}")
        if context.get("procMount", "Default") != "Default":
            found.append(f"/proc Mount Type: {container['name']}")
    for context in contexts:
        if (context.get("seccompProfile") or {}).get("type") == "Unconfined":
            found.append("Seccomp: Unconfined")
        if (context.get("appArmorProfile") or {}).get("type") == "Unconfined":
            found.append("AppArmor: Unconfined")
        selinux = context.get("seLinuxOptions") or {}
        if selinux.get("user") or selinux.get("role"):
            found.append("SELinux: user or role set")
        if selinux.get("type") not in (
            None,
            "",
            "container_t",
            "container_init_t",
            "container_kvm_t",
        ):
            found.append(f"SELinux: type {selinux['type']}")
    for sysctl in pod_context.get("sysctls") or []:
        if sysctl["name"] not in SAFE_SYSCTLS:
            found.append(f"Sysctls: {sysctl['name']}")
    return found


# --- Pod Security Standards: Restricted ---------------------------------------------------

RESTRICTED_VOLUMES = {
    "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
    "projected", "secret",
}  # fmt: skip


def restricted_violations(spec: Doc) -> list[str]:
    found = baseline_violations(spec)
    for volume in spec.get("volumes") or []:
        kinds = set(volume) - {"name"}
        if kinds - RESTRICTED_VOLUMES:
            found.append(f"Volume Types: {volume['name']} is {sorted(kinds)}")
    pod = spec.get("securityContext") or {}
    if pod.get("runAsUser") == 0:
        found.append("Running as Non-root user: pod runAsUser 0")
    for container in _containers(spec):
        name = container["name"]
        context = container.get("securityContext") or {}
        if context.get("allowPrivilegeEscalation") is not False:
            found.append(f"Privilege Escalation: {name} must set allowPrivilegeEscalation false")
        if not context.get("runAsNonRoot", pod.get("runAsNonRoot")):
            found.append(f"Running as Non-root: {name}")
        if context.get("runAsUser") == 0:
            found.append(f"Running as Non-root user: {name} runAsUser 0")
        seccomp = context.get("seccompProfile") or pod.get("seccompProfile") or {}
        if seccomp.get("type") not in ("RuntimeDefault", "Localhost"):
            found.append(f"Seccomp: {name} needs RuntimeDefault or Localhost")
        capabilities = context.get("capabilities") or {}
        if "ALL" not in (capabilities.get("drop") or []):
            found.append(f"Capabilities: {name} must drop ALL")
        if set(capabilities.get("add") or []) - {"NET_BIND_SERVICE"}:
            found.append(f"Capabilities: {name} may add only NET_BIND_SERVICE")
    return found


@pytest.mark.parametrize(("name", "spec"), POD_SPECS, ids=[name for name, _ in POD_SPECS])
def test_each_pod_meets_the_restricted_pod_security_standard(name: str, spec: Doc) -> None:
    assert restricted_violations(spec) == []


def test_the_restricted_check_finds_what_the_profile_forbids() -> None:
    allowed = {
        "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [
            {
                "name": "app",
                "securityContext": {
                    "allowPrivilegeEscalation": False,
                    "capabilities": {"drop": ["ALL"]},
                },
            }
        ],
        "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "d"}}],
    }
    assert restricted_violations(allowed) == []
    risky = {
        **allowed,
        "hostNetwork": True,
        "containers": [
            {"name": "app", "securityContext": {"capabilities": {"add": ["NET_ADMIN"]}}}
        ],
        "volumes": [{"name": "root", "hostPath": {"path": "/"}}],
    }
    found = "\n".join(restricted_violations(risky))
    for control in (
        "Host Namespaces",
        "HostPath Volumes",
        "Capabilities: app adds",
        "Volume Types: root",
        "Privilege Escalation: app",
        "Capabilities: app must drop ALL",
    ):
        assert control in found


# --- fit for the service ------------------------------------------------------------------


@pytest.mark.parametrize(("name", "spec"), POD_SPECS, ids=[name for name, _ in POD_SPECS])
def test_each_container_has_a_pinned_image_bounded_resources_and_a_read_only_root(
    name: str, spec: Doc
) -> None:
    for container in _containers(spec):
        image = container["image"]
        tag = image.rsplit("/", 1)[-1].partition(":")[2]
        pinned = "@sha256:" in image or tag not in ("", "latest")
        assert pinned, f"{name}: {image} is not pinned"
        resources = container["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"]), name
        assert "memory" in resources["limits"], name
        assert container["securityContext"]["readOnlyRootFilesystem"] is True, name


def _mounted_secrets(spec: Doc) -> set[str]:
    volumes = {v["name"]: v for v in spec["volumes"]}
    return {
        volumes[m["name"]]["secret"]["secretName"]
        for c in _containers(spec)
        for m in c.get("volumeMounts") or []
        if "secret" in volumes[m["name"]]
    }


def test_the_web_pod_has_the_google_key_so_approving_can_book() -> None:
    run, web = _pod_spec(_by_kind("CronJob")), _pod_spec(_by_kind("Deployment"))
    assert run and web
    assert "checkin-sync-google-key" in _mounted_secrets(run)
    assert _mounted_secrets(web) == _mounted_secrets(run)


def test_the_nightly_job_runs_on_the_node_that_holds_the_volume() -> None:
    """ReadWriteOnce lets pods on one node mount the volume: the job must go to the web
    pod's node, or it waits forever for a volume that is attached elsewhere."""
    claim = _by_kind("PersistentVolumeClaim")
    deployment = _by_kind("Deployment")
    run, web = _pod_spec(_by_kind("CronJob")), _pod_spec(deployment)
    assert run and web
    if claim["spec"]["accessModes"] != ["ReadWriteOnce"]:
        return
    for spec in (run, web):
        volumes = spec["volumes"]
        claims = [
            v["persistentVolumeClaim"]["claimName"] for v in volumes if "persistentVolumeClaim" in v
        ]
        assert claims == [claim["metadata"]["name"]]
    (term,) = run["affinity"]["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert term["topologyKey"] == "kubernetes.io/hostname"
    assert (
        term["labelSelector"]["matchLabels"] == deployment["spec"]["template"]["metadata"]["labels"]
    )
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"]["type"] == "Recreate"


def test_a_night_that_exits_1_2_or_3_is_not_run_again() -> None:
    """1 (needs attention), 2 (settings) and 3 (a run in progress) would end the same way
    on a second try; 4 (failed) may be finished by one."""
    job = _by_kind("CronJob")["spec"]["jobTemplate"]["spec"]
    rules = job["podFailurePolicy"]["rules"]

    def action(code: int) -> str:
        for rule in rules:
            codes = rule.get("onExitCodes")
            if codes and (code in codes["values"]) == (codes["operator"] == "In"):
                return str(rule["action"])
        return "Count"

    assert [action(code) for code in (1, 2, 3)] == ["FailJob"] * 3
    assert action(4) == "Count" and job["backoffLimit"] >= 1


def _kustomized_files() -> dict[str, str]:
    kustomization = yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())
    (generator,) = kustomization["configMapGenerator"]
    pairs = (entry.split("=", 1) for entry in generator["files"])
    config = ROOT / "config"
    return {key: str((MANIFESTS / source).resolve().relative_to(config)) for key, source in pairs}


def test_the_configmap_carries_every_file_of_the_config_folder_at_its_path() -> None:
    config_files = {
        str(p.relative_to(ROOT / "config")) for p in (ROOT / "config").rglob("*") if p.is_file()
    }
    generated = _kustomized_files()
    assert sorted(generated.values()) == sorted(config_files)
    assert any("/" in path for path in config_files), "the demo/ sub-folder is part of it"
    for _, spec in POD_SPECS:
        (config,) = [v for v in spec["volumes"] if v["name"] == "config"]
        (source,) = config["projected"]["sources"]
        items = {item["key"]: item["path"] for item in source["configMap"]["items"]}
        assert items == generated


def test_the_web_pod_is_probed_on_healthz_and_has_time_to_finish_requests() -> None:
    """Ready and alive are what /healthz says (an open port is not: the store may be
    unreadable); a stopping pod is killed only after the server's own grace period."""
    web = _pod_spec(_by_kind("Deployment"))
    assert web
    (container,) = web["containers"]
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert "--port" in container["args"]
    assert ports["http"] == int(container["args"][container["args"].index("--port") + 1])
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/healthz", "port": "http"}, probe
    assert web["terminationGracePeriodSeconds"] > GRACE_SECONDS
