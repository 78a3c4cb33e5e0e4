"""What the deployment files must agree with, read from the sources themselves so that a new
variable, port or binary cannot silently drift away from docker-compose.yml or deploy/k8s:
  - the environment variables each binary reads (its config loader),
  - which of them it cannot start without, and its listening port variable and default,
  - the binaries that exist (src/cmd), that the image installs and that its entry point runs,
  - the secrets the entry point accepts as *_FILE.
Standard library only."""
import os
import re

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# The config loaders of each binary; the monolith loads all three (src/cmd/monolith.cpp).
LOADERS = {
    "gateway": ["src/gateway/gateway_config.cpp"],
    "quotes": ["src/quotes/service_config.cpp"],
    "tradeledger": ["src/tradeledger/service/service_config.cpp",
                    "src/tradeledger/service/service_main.cpp"],
}
LOADERS["monolith"] = sum(LOADERS.values(), [])
# The monolith serves everything on the gateway's port.
PORT_OWNER = {"gateway": "gateway", "quotes": "quotes", "tradeledger": "tradeledger",
              "monolith": "gateway"}
HEALTH_PATHS = {"/healthz", "/readyz"}


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


def env_vars(binary):
    """Every variable name (a quoted UPPER_CASE literal) in the binary's config loaders."""
    names = set()
    for rel in LOADERS[binary]:
        names |= set(re.findall(r'"([A-Z][A-Z0-9_]{2,})"', read(rel)))
    return names


def required_vars(binary):
    """Variables without a default: secrets, required(), and URLs whose fallback is ""."""
    req = set()
    for rel in LOADERS[binary]:
        src = read(rel)
        req |= set(re.findall(r'env\.(?:secret|required)\(\s*"([A-Z0-9_]+)"', src))
        req |= set(re.findall(r'env\.url\(\s*"([A-Z0-9_]+)",\s*""', src))
    return req


def port_var(binary):
    """(variable, default) of the port the binary listens on, from `c.port = env...(...)`."""
    rel = LOADERS[PORT_OWNER[binary]][0]
    m = re.search(r'c\.port\s*=[^;]*?env\.(?:port|integer)\(\s*"([A-Z0-9_]+)",\s*(\d+)', read(rel), re.S)
    assert m, f"no port variable found in {rel}"
    return m.group(1), int(m.group(2))


def binaries():
    """The executables built from src/cmd/*.cpp."""
    return {f[:-4] for f in os.listdir(os.path.join(ROOT, "src/cmd")) if f.endswith(".cpp")}


def image_binaries():
    """Binaries the runtime image copies to /usr/local/bin (deploy/Dockerfile)."""
    text = read("deploy/Dockerfile").replace("\\\n", " ")
    found = set()
    for line in text.splitlines():
        if line.startswith("COPY --from=build"):
            found |= set(re.findall(r"build/src/cmd/([a-z]+)", line))
    return found


def entrypoint_binaries():
    """Binary names the entry point's case statement execs."""
    m = re.search(r"^\s*([a-z|]+)\)\s*shift", read("deploy/docker-entrypoint.sh"), re.M)
    return set(m.group(1).split("|")) if m else set()


def file_secret_vars():
    """Variables the entry point fills from a file named by VAR_FILE."""
    m = re.search(r"^for name in ([A-Z_ ]+); do", read("deploy/docker-entrypoint.sh"), re.M)
    return set(m.group(1).split()) if m else set()


def accepted_vars(binary):
    """What a deployment may set for this binary: what it reads, plus VAR_FILE for secrets."""
    reads = env_vars(binary)
    return reads | {v + "_FILE" for v in file_secret_vars() & reads}


def dockerfile_stage_packages(stage_index):
    """The apt-get install package list of the n-th FROM stage of deploy/Dockerfile."""
    stages = re.split(r"^FROM ", read("deploy/Dockerfile"), flags=re.M)[1:]
    body = stages[stage_index].replace("\\\n", " ")
    m = re.search(r"apt-get install\s+(.*?)(?:&&|$)", body, re.S | re.M)
    return {w for w in m.group(1).split() if not w.startswith("-")}


def bootstrap_packages():
    m = re.search(r"^PACKAGES=\((.*?)^\)", read("scripts/bootstrap.sh"), re.S | re.M)
    return set(m.group(1).split())


def nginx_placeholders():
    return set(re.findall(r"\$\{(MC_[A-Z_]+)\}", read("deploy/nginx/microcoin.conf.template")))


class Checks:
    """Collects failures so one run reports all of them."""

    def __init__(self):
        self.failed = []
        self.passed = 0

    def __call__(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed.append(what)
            print("FAIL " + what)
        return cond

    def finish(self, name):
        print(f"{name}: {self.passed} checks passed, {len(self.failed)} failed")
        return 1 if self.failed else 0
