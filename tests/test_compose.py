"""compose.yaml against .ci/image's scaled-out run, which CI runs on every run: the same
environment, commands and container settings, so that what CI proves is what compose starts.
Values compose takes from the operator's environment (`${NAME...}`) CI may set as it needs."""

import re
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SCRIPT = (ROOT / ".ci" / "image").read_text()


def ci_environment(script: str) -> dict[str, str | None]:
    """The `-e NAME[=VALUE]` lines of .ci/image's marked scaled-out block."""
    block = re.search(
        r"# --- compose.yaml x-portal environment ---\n(.*?)# --- end ---", script, re.S
    )
    assert block, ".ci/image has lost its marked environment block"
    environment = {}
    for line in block.group(1).splitlines():
        if line.strip().startswith("-e "):
            name, equals, value = shlex.split(line)[1].partition("=")
            environment[name] = value if equals else None
    return environment


def ci_command(script: str, container: str) -> list[str]:
    """What .ci/image runs in the container of that name (after "$IMAGE"; [] for its CMD)."""
    found = re.search(rf'run --name "portal-ci-\$\$-{container}" (.*?)>/dev/null', script, re.S)
    assert found, f".ci/image starts no {container} container"
    words = shlex.split(found.group(1).replace("\\\n", " "), posix=True)
    return words[words.index("$IMAGE") + 1 :]


def drift(compose: dict, script: str) -> list[str]:
    """What differs between compose.yaml's scaled-out shape and .ci/image's, in words."""
    problems = []
    portal_env = compose["x-portal"]["environment"]
    ci_env = ci_environment(script)
    for name in sorted(set(portal_env) ^ set(ci_env)):
        problems.append(f"{name} is set by only one of compose.yaml and .ci/image")
    for name, value in portal_env.items():
        if name in ci_env and "${" not in str(value) and str(value) != ci_env[name]:
            problems.append(f"{name}: compose.yaml says {value!r}, .ci/image {ci_env[name]!r}")
        if "${" in str(value) and not str(value).startswith("${" + name):
            problems.append(f"{name}: compose.yaml should let the environment's {name} win")
    migrate = compose["services"]["migrate"]["command"]
    if f'sh -c "{migrate[2]}"' not in script:
        problems.append(f"the migrate command differs: compose.yaml runs {migrate!r}")
    for service, container in (("portal-a", "a"), ("portal-b", "b"), ("worker", "worker")):
        command = compose["services"][service].get("command", [])
        if ci_command(script, container) != command:
            problems.append(
                f"{service} runs {command!r}, .ci/image {ci_command(script, container)}"
            )
    # podman's --read-only mounts a tmpfs on /tmp itself; compose needs it said.
    portal = compose["x-portal"]
    if not (portal.get("init") and portal.get("read_only") and "/tmp" in portal.get("tmpfs", [])):
        problems.append("compose.yaml's portals lack init, read_only or a tmpfs on /tmp")
    if "pm run -d --init --read-only" not in script:
        problems.append(".ci/image's containers lack --init or --read-only")
    shared = {s for s, spec in compose["services"].items() if "metrics-a:/tmp/portal-metrics" in
              spec.get("volumes", [])}  # fmt: skip
    if shared != {"portal-a", "worker"}:
        problems.append(f"compose.yaml shares the metrics volume among {sorted(shared)}")
    return problems


def test_compose_matches_what_ci_runs():
    assert drift(COMPOSE, SCRIPT) == []


def test_a_change_on_either_side_is_caught():
    changed = yaml.safe_load((ROOT / "compose.yaml").read_text())
    changed["x-portal"]["environment"]["WEB_CONCURRENCY"] = "4"
    changed["x-portal"]["environment"]["NEW_SETTING"] = "1"
    changed["services"]["worker"]["command"] = ["python", "manage.py", "other_worker"]
    assert len(drift(changed, SCRIPT)) == 3

    script = SCRIPT.replace("  -e LOG_FORMAT=json\n", "  -e LOG_FORMAT=text\n")
    script = script.replace("&& python manage.py check --deploy", "")
    assert len(drift(COMPOSE, script)) == 2
