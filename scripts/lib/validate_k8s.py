"""Validate deploy/k8s: each manifest against the Kubernetes JSON schemas (kubernetes-validate,
offline, strict: unknown fields are errors), then the references between them that no schema
sees: selectors that select, ports that exist, probes on /health and /ready, ConfigMap and
Secret keys that are defined, the HPA's target, the NetworkPolicy's peers, MUSIC_SERVICE_URL.

    python scripts/lib/validate_k8s.py [deploy/k8s]     (run by scripts/validate-k8s)

Exit status 1 with one line per problem when anything is wrong.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

import kubernetes_validate
import yaml

ROOT = Path(__file__).resolve().parents[2]
MUSIC, AUTH = "music-service", "auth-service"
# The one peer besides auth that may reach music: Prometheus in this namespace (/metrics).
PROMETHEUS_PEER = {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "prometheus"}}}


class Manifests:
    def __init__(self, folder: Path):
        self.folder = folder
        self.errors: list[str] = []
        self.resources: list[tuple[str, dict]] = []  # (file, document)
        self.secret_examples: list[dict] = []

    def error(self, message: str) -> None:
        self.errors.append(message)

    # -- loading and schema validation ---------------------------------------------------
    def load(self) -> None:
        kustomization = yaml.safe_load((self.folder / "kustomization.yaml").read_text())
        listed = kustomization.get("resources") or []
        for name in listed:
            if not (self.folder / name).is_file():
                self.error(f"kustomization.yaml lists {name}, which does not exist")
        on_disk = {p.name for p in self.folder.glob("*.yaml")} - {"kustomization.yaml"}
        examples = {name for name in on_disk if name.endswith(".example.yaml")}
        for name in sorted(on_disk - set(listed) - examples):
            self.error(f"{name} is neither listed in kustomization.yaml nor an *.example.yaml")
        for name in [*listed, *sorted(examples)]:
            path = self.folder / name
            if not path.is_file():
                continue
            for doc in yaml.safe_load_all(path.read_text()):
                if not doc:
                    continue
                label = f"{name}: {doc.get('kind')}/{(doc.get('metadata') or {}).get('name')}"
                try:
                    kubernetes_validate.validate(doc, kubernetes_validate.latest_version(), strict=True)
                except kubernetes_validate.ValidationError as exc:
                    self.error(f"{label}: {exc.message} at {'/'.join(map(str, exc.path))}")
                except (
                    kubernetes_validate.SchemaNotFoundError,
                    kubernetes_validate.InvalidSchemaError,
                ) as exc:
                    self.error(f"{label}: no schema: {exc}")
                if name in examples:
                    self.secret_examples.append(doc)
                else:
                    self.resources.append((name, doc))
        self.images = {image["name"] for image in kustomization.get("images") or []}

    def of_kind(self, kind: str) -> list[dict]:
        return [doc for _, doc in self.resources if doc.get("kind") == kind]

    def named(self, kind: str, name: str) -> dict | None:
        return next((d for d in self.of_kind(kind) if d["metadata"]["name"] == name), None)

    @staticmethod
    def pod_labels(deployment: dict) -> dict:
        return deployment["spec"]["template"]["metadata"].get("labels") or {}

    def deployments_selected_by(self, selector: dict) -> list[dict]:
        return [
            d
            for d in self.of_kind("Deployment")
            if selector and all(self.pod_labels(d).get(k) == v for k, v in selector.items())
        ]

    @staticmethod
    def containers(deployment: dict, *, init: bool = True) -> list[dict]:
        spec = deployment["spec"]["template"]["spec"]
        return [*(spec.get("initContainers") or [] if init else []), *spec["containers"]]

    # -- the checks ------------------------------------------------------------------------
    def check_deployments(self) -> None:
        for d in self.of_kind("Deployment"):
            name = d["metadata"]["name"]
            selector = d["spec"]["selector"].get("matchLabels") or {}
            if not self.deployments_selected_by(selector) or d not in self.deployments_selected_by(selector):
                self.error(f"Deployment {name}: selector {selector} does not match its pod labels")
            pod = d["spec"]["template"]["spec"]
            if not (pod.get("securityContext") or {}).get("runAsNonRoot"):
                self.error(f"Deployment {name}: pod securityContext.runAsNonRoot must be true")
            for c in self.containers(d):
                where = f"Deployment {name} container {c['name']}"
                sc = c.get("securityContext") or {}
                if sc.get("allowPrivilegeEscalation") is not False:
                    self.error(f"{where}: allowPrivilegeEscalation must be false")
                if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
                    self.error(f"{where}: capabilities must drop ALL")
                if not sc.get("readOnlyRootFilesystem"):
                    self.error(f"{where}: readOnlyRootFilesystem must be true")
                if c["image"].split(":")[0] not in self.images:
                    self.error(f"{where}: image {c['image']} is not in kustomization.yaml images")
                self.check_env_refs(where, c)
            for c in self.containers(d, init=False):
                if any(p.get("name") == "http" for p in c.get("ports") or []):  # not the runner's metrics
                    self.check_probes(f"Deployment {name} container {c['name']}", c)

    def check_probes(self, where: str, container: dict) -> None:
        ports = {p.get("name") for p in container["ports"]} | {p["containerPort"] for p in container["ports"]}
        for probe, path in (("livenessProbe", "/health"), ("readinessProbe", "/ready")):
            http = (container.get(probe) or {}).get("httpGet")
            if not http:
                self.error(f"{where}: no {probe} with httpGet")
                continue
            if http.get("path") != path:
                self.error(f"{where}: {probe} should GET {path}, not {http.get('path')}")
            if http.get("port") not in ports:
                self.error(f"{where}: {probe} port {http.get('port')} is not a container port")
            hosts = [h["value"] for h in http.get("httpHeaders") or [] if h["name"].lower() == "host"]
            if hosts != ["localhost"]:
                self.error(f"{where}: {probe} must send 'Host: localhost' (Django rejects the pod IP)")

    def check_env_refs(self, where: str, container: dict) -> None:
        for var in container.get("env") or []:
            source = var.get("valueFrom") or {}
            if ref := source.get("configMapKeyRef"):
                cm = self.named("ConfigMap", ref["name"])
                if cm is None or ref["key"] not in (cm.get("data") or {}):
                    self.error(
                        f"{where}: {var['name']} reads ConfigMap {ref['name']} key {ref['key']}, undefined"
                    )
            if ref := source.get("secretKeyRef"):
                secret = next((s for s in self.secret_examples if s["metadata"]["name"] == ref["name"]), None)
                keys = set((secret or {}).get("stringData") or {}) | set((secret or {}).get("data") or {})
                if ref["key"] not in keys:
                    self.error(
                        f"{where}: {var['name']} reads Secret {ref['name']} key {ref['key']}, "
                        "which the secret example does not define"
                    )

    def check_services(self) -> None:
        for svc in self.of_kind("Service"):
            name = svc["metadata"]["name"]
            if "_" in name:
                self.error(f"Service {name}: '_' in a host name is rejected by Django")
            targets = self.deployments_selected_by(svc["spec"].get("selector") or {})
            if len(targets) != 1:
                self.error(f"Service {name}: selects {len(targets)} Deployments, wanted 1")
                continue
            ports = set()
            for c in self.containers(targets[0], init=False):
                for p in c.get("ports") or []:
                    ports |= {p.get("name"), p["containerPort"]}
            for port in svc["spec"]["ports"]:
                if port.get("targetPort", port["port"]) not in ports:
                    self.error(f"Service {name}: targetPort {port.get('targetPort')} is not a container port")

    def check_music_url(self) -> None:
        urls = [
            cm["data"]["MUSIC_SERVICE_URL"]
            for cm in self.of_kind("ConfigMap")
            if "MUSIC_SERVICE_URL" in (cm.get("data") or {})
        ]
        if not urls:
            self.error("no ConfigMap defines MUSIC_SERVICE_URL")
        svc = self.named("Service", MUSIC)
        for url in urls:
            parts = urlsplit(url)
            if svc is None or parts.hostname != MUSIC:
                self.error(f"MUSIC_SERVICE_URL {url} does not name the Service {MUSIC}")
            elif parts.port not in {p["port"] for p in svc["spec"]["ports"]}:
                self.error(f"MUSIC_SERVICE_URL {url}: port is not a port of Service {MUSIC}")

    def check_hpa(self) -> None:
        hpas = self.of_kind("HorizontalPodAutoscaler")
        music_hpas = [h for h in hpas if h["spec"]["scaleTargetRef"]["name"] == MUSIC]
        if len(music_hpas) != 1:
            self.error(f"wanted one HorizontalPodAutoscaler for {MUSIC}, found {len(music_hpas)}")
        for hpa in hpas:
            ref = hpa["spec"]["scaleTargetRef"]
            target = self.named(ref["kind"], ref["name"])
            if target is None:
                self.error(f"HPA {hpa['metadata']['name']}: target {ref['kind']}/{ref['name']} not found")
                continue
            for c in self.containers(target, init=False):
                if not ((c.get("resources") or {}).get("requests") or {}).get("cpu"):
                    self.error(f"HPA {hpa['metadata']['name']}: container {c['name']} has no CPU request")
        for hpa in music_hpas:
            bounds = (hpa["spec"].get("minReplicas"), hpa["spec"]["maxReplicas"])
            if bounds != (2, 5):
                self.error(f"HPA for {MUSIC}: replicas {bounds}, wanted (2, 5)")

    def check_network_policy(self) -> None:
        music = self.named("Deployment", MUSIC)
        auth = self.named("Deployment", AUTH)
        if music is None or auth is None:
            self.error(f"Deployments {MUSIC} and {AUTH} are both needed")
            return
        music_ports = {p["containerPort"] for c in self.containers(music) for p in c.get("ports") or []}
        policies = [
            p
            for p in self.of_kind("NetworkPolicy")
            if music in self.deployments_selected_by(p["spec"]["podSelector"].get("matchLabels") or {})
        ]
        if not policies:
            self.error(f"no NetworkPolicy selects the {MUSIC} pods")
        for policy in policies:
            name = policy["metadata"]["name"]
            if "Ingress" not in (policy["spec"].get("policyTypes") or ["Ingress"]):
                self.error(f"NetworkPolicy {name}: does not restrict Ingress")
            for rule in policy["spec"].get("ingress") or []:
                peers = rule.get("from") or []
                if not peers:
                    self.error(f"NetworkPolicy {name}: an ingress rule without 'from' admits everyone")
                for peer in (p for p in peers if p != PROMETHEUS_PEER):
                    selected = self.deployments_selected_by(
                        (peer.get("podSelector") or {}).get("matchLabels") or {}
                    )
                    if set(peer) != {"podSelector"} or selected != [auth]:
                        self.error(f"NetworkPolicy {name}: peer {peer} admits more than the auth pods")
                for port in rule.get("ports") or [{}]:
                    if port.get("port") not in music_ports:
                        self.error(f"NetworkPolicy {name}: port {port.get('port')} is not music's port")

    def run(self) -> int:
        self.load()
        self.check_deployments()
        self.check_services()
        self.check_music_url()
        self.check_hpa()
        self.check_network_policy()
        where = self.folder.relative_to(ROOT) if self.folder.is_relative_to(ROOT) else self.folder
        if self.errors:
            print(f"{where}: {len(self.errors)} problem(s):", file=sys.stderr)
            for message in self.errors:
                print(f"  - {message}", file=sys.stderr)
            return 1
        total = len(self.resources) + len(self.secret_examples)
        print(
            f"{where}: {total} resources valid against Kubernetes "
            f"{kubernetes_validate.latest_version()} schemas (strict), references consistent"
        )
        return 0


if __name__ == "__main__":
    folder = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT / "deploy" / "k8s"
    sys.exit(Manifests(folder).run())
