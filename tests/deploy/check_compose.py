#!/usr/bin/env python3
"""Validates docker-compose.yml with `docker-compose config` (the file as Compose itself reads
it, anchors and ${VARS} resolved) and checks it against the sources (deploy_facts.py): each
MicroCoin service runs a binary the image holds, sets only variables that binary reads and all
it requires, health-checks /healthz or /readyz on the port it listens on, and waits for the
dependencies it talks to; nginx fronts the gateways; TradeLedger stays a single writer.
Given a folder of built binaries (argument 1), also checks that the runtime image's packages
provide every shared library they link.
Needs docker-compose (Debian package) and PyYAML (python3-yaml, a dependency of it)."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
from urllib.parse import urlsplit

import yaml

import deploy_facts as facts

MICROCOIN_IMAGE = "microcoin:latest"


def compose_config(*extra_args):
    # A scratch secrets folder: `config` does not read the files, but the paths must resolve.
    env = dict(os.environ, MICROCOIN_SECRETS_DIR=tempfile.gettempdir())
    for var in ("GATEWAY_REPLICAS", "MC_GATEWAY_UPSTREAMS", "MICROCOIN_IMAGE"):
        env.pop(var, None)
    out = subprocess.run(["docker-compose", "-f", os.path.join(facts.ROOT, "docker-compose.yml"),
                          *extra_args, "config"],
                         cwd=facts.ROOT, env=env, capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        sys.exit("docker-compose config failed:\n" + out.stderr)
    return yaml.safe_load(out.stdout)


def health_url(svc):
    test = svc.get("healthcheck", {}).get("test", [])
    urls = [t for t in test if isinstance(t, str) and t.startswith("http://")]
    return urlsplit(urls[0]) if urls else None


def check_nginx_renders(check, nenv):
    """The template rendered with Compose's values is a configuration nginx accepts (`nginx -t`,
    inside an http{} like the nginx image's; Docker's DNS name `gateway` becomes loopback here)."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(nginx, os.X_OK):
        print("nginx -t of the Compose rendering skipped (no nginx)")
        return
    text = facts.read("deploy/nginx/microcoin.conf.template")
    for var in facts.nginx_placeholders():
        text = text.replace("${" + var + "}", str(nenv.get(var, "")))
    text = re.sub(r"server gateway:", "server 127.0.0.1:", text)
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "default.conf"), "w") as f:
            f.write(text)
        with open(os.path.join(d, "nginx.conf"), "w") as f:
            f.write(f"pid {d}/nginx.pid;\nevents {{}}\nhttp {{\n"
                    f"  client_body_temp_path {d}/cb; proxy_temp_path {d}/px;\n"
                    f"  fastcgi_temp_path {d}/fc; uwsgi_temp_path {d}/uw; scgi_temp_path {d}/sc;\n"
                    f"  include {d}/default.conf;\n}}\n")
        out = subprocess.run([nginx, "-t", "-q", "-p", d + "/", "-c", d + "/nginx.conf", "-e", d + "/error.log"],
                             capture_output=True, text=True, timeout=30)
        check(out.returncode == 0, f"nginx accepts the template rendered with Compose's values: {out.stderr.strip()}")


# In debian:bookworm-slim already, or linked only by sanitizer builds (make test's Debug build).
BASE_OR_SANITIZER = {"libc6", "libgcc-s1", "libstdc++6"}


def check_runtime_libraries(check, bin_dir):
    """The runtime stage's packages (with what they pull in) provide every shared library the
    built binaries in bin_dir link, so the slim image can run them. Skipped without binaries."""
    bins = [os.path.join(bin_dir, b) for b in sorted(facts.binaries())]
    bins = [b for b in bins if os.access(b, os.X_OK)]
    if not bins or not shutil.which("dpkg") or not shutil.which("apt-cache"):
        print(f"runtime library check skipped (no binaries in {bin_dir}, or no dpkg/apt-cache)")
        return
    libs = set()
    for b in bins:
        out = subprocess.run(["ldd", b], capture_output=True, text=True, timeout=30).stdout
        libs |= {os.path.realpath(l.split("=>")[1].split()[0]) for l in out.splitlines()
                 if "=>" in l and "/" in l.split("=>")[1]}
    libs = {l for l in libs if not re.search(r"/lib(asan|ubsan|lsan|tsan)\.so", l)}
    # One dpkg call for all (one each is slow); with merged /usr dpkg may know the /lib spelling.
    paths = sorted(libs | {l.removeprefix("/usr") for l in libs})
    out = subprocess.run(["dpkg", "-S", *paths], capture_output=True, text=True, timeout=60).stdout
    owner = {}
    for line in out.splitlines():
        pkg, _, path = line.partition(": ")
        owner[path.strip()] = pkg.split(",")[0].split(":")[0].strip()
    needed = {owner.get(l) or owner.get(l.removeprefix("/usr")) for l in libs} - {None}
    check(len(needed) > 0, "the binaries' libraries belong to Debian packages")
    runtime = facts.dockerfile_stage_packages(1)
    out = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
                          "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", *sorted(runtime)],
                         capture_output=True, text=True, timeout=60).stdout
    closure = {l.strip("<>") for l in out.splitlines() if l and not l.startswith(" ")} | runtime
    missing = needed - closure - BASE_OR_SANITIZER
    check(not missing, f"the runtime image provides every library the binaries link (missing: {sorted(missing)})")


def main():
    check = facts.Checks()
    if not shutil.which("docker-compose"):
        sys.exit("docker-compose is not installed (scripts/bootstrap.sh installs it)")
    cfg = compose_config()
    services = cfg["services"]
    check(set(services) == {"postgres", "redis", "tradeledger", "quotes", "gateway", "monolith", "nginx"},
          f"the expected services are defined, got {sorted(services)}")
    # The default profile (what `docker compose up` starts) is the split system without the monolith.
    check(services["monolith"].get("profiles") == ["monolith"], "the monolith only starts with --profile monolith")

    port_of = {}
    for name, svc in services.items():
        if svc.get("image") != MICROCOIN_IMAGE:
            continue
        binary = (svc.get("command") or [None])[0]
        check(binary in facts.binaries(), f"{name}: command {binary!r} is a binary of src/cmd")
        check(binary in facts.image_binaries(), f"{name}: the image copies {binary}")
        check(binary in facts.entrypoint_binaries(), f"{name}: the entry point runs {binary}")
        check(svc.get("build", {}).get("dockerfile") == "deploy/Dockerfile",
              f"{name}: built from deploy/Dockerfile")
        env = svc.get("environment", {})
        unknown = set(env) - facts.accepted_vars(binary)
        check(not unknown, f"{name}: every variable is one {binary} reads (unknown: {sorted(unknown)})")
        for var in facts.required_vars(binary):
            check(var in env or var + "_FILE" in env, f"{name}: sets {var}, which {binary} requires")
        mounted = {s["source"] if isinstance(s, dict) else s for s in svc.get("secrets", [])}
        used = set()
        for var in facts.file_secret_vars():
            path = env.get(var + "_FILE")
            if path:
                secret = os.path.basename(path)
                used.add(secret)
                check(path == "/run/secrets/" + secret and secret in mounted and secret in cfg.get("secrets", {}),
                      f"{name}: {var}_FILE names a Compose secret mounted into it")
        check(mounted == used, f"{name}: mounts only the secrets it uses ({sorted(mounted - used)} unused)")
        for var in ("JWT_SECRET", "SERVICE_JWT_SECRET"):
            check(var not in env, f"{name}: {var} comes from a secret file, not the environment")
        pvar, pdefault = facts.port_var(binary)
        port = int(env.get(pvar, pdefault))
        port_of[name] = port
        url = health_url(svc)
        check(url is not None and url.path in facts.HEALTH_PATHS,
              f"{name}: health check probes /healthz or /readyz")
        if url:
            check(url.port == port, f"{name}: health check port {url.port} is its {pvar} ({port})")
        check(env.get("MIGRATIONS_DIR") in (None, "/app/migrations"),
              f"{name}: MIGRATIONS_DIR is where the image puts migrations/")
        deps = svc.get("depends_on", {})
        for var, dep in (("POSTGRES_URL", "postgres"), ("REDIS_URL", "redis")):
            if var in env:
                check(urlsplit(env[var]).hostname == dep, f"{name}: {var} points at the {dep} service")
                check(deps.get(dep, {}).get("condition") == "service_healthy",
                      f"{name}: waits for {dep} to be healthy")
        for dep, cond in deps.items():
            check(cond.get("condition") != "service_healthy" or "healthcheck" in services[dep],
                  f"{name}: depends on {dep} being healthy, and {dep} has a health check")

    gw, tl = services["gateway"], services["tradeledger"]
    tl_url = urlsplit(gw["environment"].get("TRADE_LEDGER_URL", ""))
    check(tl_url.hostname == "tradeledger" and tl_url.port == port_of["tradeledger"],
          "gateway: TRADE_LEDGER_URL is the tradeledger service on its port")
    check(gw["depends_on"].get("tradeledger", {}).get("condition") == "service_healthy",
          "gateway: waits for TradeLedger to be ready")
    check(int(gw.get("deploy", {}).get("replicas", 1)) >= 2, "gateway: two or more replicas by default")
    check(not gw.get("ports"), "gateway: publishes no host port (replicas would clash; nginx is the way in)")
    check(int(tl.get("deploy", {}).get("replicas", 1)) == 1, "tradeledger: exactly one replica (single writer)")
    check(not services["monolith"].get("ports") and
          services["monolith"]["environment"].get("POSTGRES_URL") == tl["environment"].get("POSTGRES_URL"),
          "monolith: same database as the split services, reached through nginx")

    ngx = services["nginx"]
    nenv = ngx.get("environment", {})
    check(facts.nginx_placeholders() <= set(nenv), "nginx: every ${MC_*} of the template is set")
    # docker-compose prints short volume syntax: "SOURCE:TARGET:ro".
    check(any(str(v).split(":")[0].endswith("/deploy/nginx/microcoin.conf.template") and
              str(v).split(":")[1] == "/etc/nginx/templates/default.conf.template"
              for v in ngx.get("volumes", [])),
          "nginx: renders deploy/nginx/microcoin.conf.template over the stock server")
    check(f"server gateway:{port_of['gateway']}" in nenv.get("MC_GATEWAY_UPSTREAMS", ""),
          "nginx: upstream is the gateway service on GATEWAY_PORT")
    listen = str(nenv.get("MC_NGINX_LISTEN", ""))
    url = health_url(ngx)
    check(url is not None and str(url.port) == listen.split(":")[-1], "nginx: health check on its listen port")
    check(any(str(p.get("target")) == listen.split(":")[-1] for p in ngx.get("ports", [])),
          "nginx: publishes its listen port")
    check(ngx.get("depends_on", {}).get("gateway", {}).get("condition") == "service_healthy",
          "nginx: starts once a gateway is ready")

    check_nginx_renders(check, nenv)

    # The image.
    build_pkgs, runtime_pkgs = facts.dockerfile_stage_packages(0), facts.dockerfile_stage_packages(1)
    check(build_pkgs <= facts.bootstrap_packages(),
          f"Dockerfile build packages are bootstrap's (extra: {sorted(build_pkgs - facts.bootstrap_packages())})")
    check("curl" in runtime_pkgs, "the runtime image has curl for the health checks")
    check(not any(p.endswith("-dev") for p in runtime_pkgs), "the runtime image has no -dev packages")
    dockerfile = facts.read("deploy/Dockerfile")
    check("FROM debian:bookworm AS build" in dockerfile and "FROM debian:bookworm-slim" in dockerfile,
          "multi-stage build on debian:bookworm")
    user = [l.split()[1] for l in dockerfile.splitlines() if l.startswith("USER ")]
    check(user and user[-1].split(":")[0] not in ("0", "root"), "the runtime image runs as a non-root user")
    check('ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' in dockerfile, "the entry point selects the binary")
    check(os.access(os.path.join(facts.ROOT, "deploy/docker-entrypoint.sh"), os.X_OK),
          "deploy/docker-entrypoint.sh is executable")
    check("secret" not in dockerfile.lower().replace("no secrets", "").replace("secrets in the image", ""),
          "no secret is copied into the image")
    if len(sys.argv) > 1:
        check_runtime_libraries(check, sys.argv[1])
    return check.finish("check_compose")


if __name__ == "__main__":
    sys.exit(main())
