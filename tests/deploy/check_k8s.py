#!/usr/bin/env python3
"""Renders deploy/k8s/base and deploy/k8s/overlays/monolith offline with `kubectl kustomize`
and checks the manifests against the sources (deploy_facts.py): each Deployment runs a binary
the image holds, gets only variables that binary reads and all it requires, listens where its
port variable says, probes /readyz (readiness) and /healthz (liveness) on that port, and is
reached through a Service on that port; TradeLedger is a single writer (1 replica, Recreate);
the autoscaler and disruption budget cover the gateway. Needs kubectl (Debian's
kubernetes-client) and PyYAML (python3-yaml)."""
import base64
import os
import shutil
import subprocess
import sys
from urllib.parse import urlsplit

import yaml

import deploy_facts as facts

check = facts.Checks()


def render(rel):
    out = subprocess.run(["kubectl", "kustomize", os.path.join(facts.ROOT, rel)],
                         capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        sys.exit(f"kubectl kustomize {rel} failed:\n{out.stderr}")
    docs = [d for d in yaml.safe_load_all(out.stdout) if d]
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d["kind"], {})[d["metadata"]["name"]] = d
    return by_kind


def generated(objs, kind, base_name):
    """A generated ConfigMap/Secret by its name before kustomize added the hash suffix."""
    for name, obj in objs.get(kind, {}).items():
        if name == base_name or name.rsplit("-", 1)[0] == base_name:
            return obj
    return None


def labels_match(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def check_deployment(objs, name, where):
    dep = objs["Deployment"][name]
    pod = dep["spec"]["template"]
    spec = pod["spec"]
    (c,) = spec["containers"]
    tag = f"{where}/{name}"
    binary = (c.get("args") or [None])[0]
    check(binary in facts.binaries() and binary in facts.image_binaries() and binary in facts.entrypoint_binaries(),
          f"{tag}: runs {binary!r}, a binary of src/cmd that the image holds and its entry point runs")
    check(c.get("image", "").startswith("microcoin"), f"{tag}: uses the microcoin image")
    check(labels_match(dep["spec"]["selector"]["matchLabels"], pod["metadata"]["labels"]),
          f"{tag}: selector matches its pod labels")

    # The environment the binary will see: ConfigMaps by envFrom, then env entries.
    env = {}
    for src in c.get("envFrom", []):
        ref = src.get("configMapRef", {}).get("name")
        cm = objs.get("ConfigMap", {}).get(ref)
        check(cm is not None, f"{tag}: envFrom ConfigMap {ref} exists")
        env.update((cm or {}).get("data", {}))
    for e in c.get("env", []):
        env[e["name"]] = e.get("value")
    unknown = set(env) - facts.accepted_vars(binary)
    check(not unknown, f"{tag}: every variable is one {binary} reads (unknown: {sorted(unknown)})")
    for var in facts.required_vars(binary):
        check(var in env or var + "_FILE" in env, f"{tag}: sets {var}, which {binary} requires")
    for var in ("JWT_SECRET", "SERVICE_JWT_SECRET"):
        check(var not in env, f"{tag}: {var} comes from a secret file, not plain configuration")

    # *_FILE paths are keys of a mounted Secret that exists.
    mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    secret_values = {}
    for var in facts.file_secret_vars():
        path = env.get(var + "_FILE")
        if not path:
            continue
        mount_dir, key = os.path.split(path)
        vol = volumes.get(mounts.get(mount_dir, ""), {})
        secret = objs.get("Secret", {}).get(vol.get("secret", {}).get("secretName"))
        ok = secret is not None and key in secret.get("data", {})
        check(ok, f"{tag}: {var}_FILE={path} is a key of a mounted Secret")
        if ok:
            secret_values[var] = base64.b64decode(secret["data"][key]).decode()

    # One port: the port variable, the containerPort, the probes and the Service agree.
    pvar, pdefault = facts.port_var(binary)
    port = int(env.get(pvar, pdefault))
    ports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
    check(list(ports.values()) == [port], f"{tag}: containerPort is its {pvar} ({port}), got {ports}")

    def probe_port(probe):
        p = probe.get("httpGet", {}).get("port")
        return ports.get(p) if isinstance(p, str) else p

    for kind, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        probe = c.get(kind)
        check(probe is not None and probe.get("httpGet", {}).get("path") == path and probe_port(probe) == port,
              f"{tag}: {kind} is GET {path} on port {port}")
    if "startupProbe" in c:
        check(c["startupProbe"]["httpGet"]["path"] in facts.HEALTH_PATHS and probe_port(c["startupProbe"]) == port,
              f"{tag}: startupProbe on a health path and its port")
    sec = spec.get("securityContext", {})
    check(sec.get("runAsNonRoot") is True and sec.get("runAsUser", 0) != 0, f"{tag}: runs as non-root")
    check(c.get("securityContext", {}).get("readOnlyRootFilesystem") is True, f"{tag}: read-only root filesystem")
    return dep, env, secret_values, port


def service_for(objs, dep):
    labels = dep["spec"]["template"]["metadata"]["labels"]
    return [s for s in objs["Service"].values() if labels_match(s["spec"].get("selector"), labels)]


def check_url(objs, tag, var, value, want_service):
    u = urlsplit(value or "")
    svc = objs["Service"].get(u.hostname or "")
    check(u.hostname == want_service and svc is not None and
          any(p["port"] == (u.port or 0) for p in svc["spec"]["ports"]),
          f"{tag}: {var} names the {want_service} Service on one of its ports")


def check_base():
    objs = render("deploy/k8s/base")
    check(set(objs.get("Deployment", {})) == {"gateway", "quotes", "tradeledger"}, "base: three Deployments")
    info = {}
    for name in ("gateway", "quotes", "tradeledger"):
        dep, env, secrets, port = check_deployment(objs, name, "base")
        info[name] = (dep, env, secrets, port)
        svcs = service_for(objs, dep)
        check(len(svcs) == 1 and svcs[0]["metadata"]["name"] == name and
              [p["port"] for p in svcs[0]["spec"]["ports"]] == [port],
              f"base/{name}: the {name} Service selects it, on port {port}")
    gw_env, tl_env = info["gateway"][1], info["tradeledger"][1]
    check_url(objs, "base/gateway", "TRADE_LEDGER_URL", gw_env.get("TRADE_LEDGER_URL"), "tradeledger")
    for name, (_, env, secrets, _) in info.items():
        if "REDIS_URL" in env:
            check_url(objs, f"base/{name}", "REDIS_URL", env["REDIS_URL"], "redis")
        if "POSTGRES_URL" in secrets:
            check_url(objs, f"base/{name}", "POSTGRES_URL", secrets["POSTGRES_URL"], "postgres")
    for ext in ("postgres", "redis"):
        svc = objs["Service"].get(ext, {})
        check(svc.get("spec", {}).get("type") == "ExternalName" or not svc.get("spec", {}).get("selector"),
              f"base: {ext} is an external service (ExternalName or no selector)")
    secret = generated(objs, "Secret", "microcoin-secrets")
    check(secret is not None and all(b"REPLACE-ME" in base64.b64decode(v) for v in secret["data"].values()),
          "base: the JWT/database secrets are placeholders, not real keys")

    tl = info["tradeledger"][0]["spec"]
    check(tl.get("replicas") == 1 and tl.get("strategy", {}).get("type") == "Recreate",
          "base/tradeledger: single writer (replicas 1, strategy Recreate)")
    gw_dep = info["gateway"][0]
    gw_labels = gw_dep["spec"]["template"]["metadata"]["labels"]
    hpas = list(objs.get("HorizontalPodAutoscaler", {}).values())
    check(len(hpas) == 1 and hpas[0]["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                                                    "name": "gateway"},
          "base: one autoscaler, and it scales the gateway Deployment")
    pdbs = list(objs.get("PodDisruptionBudget", {}).values())
    check(len(pdbs) == 1 and labels_match(pdbs[0]["spec"]["selector"]["matchLabels"], gw_labels),
          "base: one disruption budget, over the gateway pods")
    for other in ("quotes", "tradeledger"):
        other_labels = info[other][0]["spec"]["template"]["metadata"]["labels"]
        check(not any(labels_match(p["spec"]["selector"]["matchLabels"], other_labels) for p in pdbs),
              f"base: no disruption budget over {other}")
    if hpas and pdbs:
        check(pdbs[0]["spec"].get("minAvailable", 0) < hpas[0]["spec"]["minReplicas"] and
              gw_dep["spec"].get("replicas", 1) >= hpas[0]["spec"]["minReplicas"],
              "base: the budget leaves a gateway drainable at the autoscaler's minimum")


def check_monolith_overlay():
    objs = render("deploy/k8s/overlays/monolith")
    dep, env, secrets, port = check_deployment(objs, "monolith", "monolith")
    check(dep["spec"].get("replicas") == 1 and dep["spec"].get("strategy", {}).get("type") == "Recreate",
          "monolith: single writer (replicas 1, strategy Recreate)")
    for name in ("gateway", "quotes", "tradeledger"):
        check(objs["Deployment"][name]["spec"].get("replicas") == 0, f"monolith overlay: {name} scaled to 0")
    svcs = service_for(objs, dep)
    check([s["metadata"]["name"] for s in svcs] == ["gateway"] and
          [p["port"] for p in svcs[0]["spec"]["ports"]] == [port],
          "monolith overlay: the gateway Service now selects the monolith, same port")
    base_secret = generated(render("deploy/k8s/base"), "Secret", "microcoin-secrets")
    check(base64.b64decode(base_secret["data"]["postgres_url"]).decode() == secrets.get("POSTGRES_URL"),
          "monolith overlay: same database as the split services")


def main():
    if not shutil.which("kubectl"):
        sys.exit("kubectl is not installed (scripts/bootstrap.sh installs kubernetes-client)")
    check_base()
    check_monolith_overlay()
    return check.finish("check_k8s")


if __name__ == "__main__":
    sys.exit(main())
