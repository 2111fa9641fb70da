#!/usr/bin/env bash
# The README's first command on a fresh clone, measured: `uv run manage.py demo` with an empty
# uv cache, seconds until its first page answers 200, what uv downloaded (the wheels' sizes
# from uv.lock) and the size of the environment it made. Python itself is not counted (uv
# reuses an installed 3.13). Usage: bench/first_run.sh [COMMIT]   (default HEAD)
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d -t portal-first-run-XXXXXX)"
PID=""
cleanup() {
  [ -n "$PID" ] && kill -INT -- "-$PID" 2>/dev/null && sleep 2 && kill -KILL -- "-$PID" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
git clone --quiet "$REPO" "$WORK/clone" && git -C "$WORK/clone" checkout --quiet "${1:-HEAD}"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cd "$WORK/clone"
start=$(date +%s.%N)
UV_CACHE_DIR="$WORK/cache" setsid uv run manage.py demo "127.0.0.1:$PORT" >"$WORK/demo.log" 2>&1 &
PID=$!
until python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
    "http://127.0.0.1:$PORT/" 2>/dev/null; do
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/demo.log"; exit 1; }
  sleep 0.2
done
end=$(date +%s.%N)
# Downloads: the installed distributions' wheels for this platform, as uv.lock sizes them.
downloaded=$(.venv/bin/python - <<'PY'
import importlib.metadata, re, sys, sysconfig, tomllib
lock = tomllib.load(open("uv.lock", "rb"))
have = {re.sub(r"[-_.]+", "-", d.metadata["Name"]).lower() for d in importlib.metadata.distributions()}
tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
total = 0
for package in lock["package"]:
    if package["name"] not in have:
        continue
    wheels = package.get("wheels", [])
    fit = [w for w in wheels if "none-any" in w["url"]] or [
        w for w in wheels if ("abi3" in w["url"] or tag in w["url"] or "py3-none" in w["url"])
        and "x86_64" in w["url"] and "manylinux" in w["url"] and "musl" not in w["url"]]
    total += fit[0]["size"] if fit else 0
print(f"{len(have)} distributions, {total / 1e6:.1f} MB of wheels")
PY
)
printf 'first run: first page after %.1f s; downloaded %s; environment %s; uv cache %s\n' \
  "$(echo "$end - $start" | bc)" "$downloaded" "$(du -sh .venv | cut -f1)" \
  "$(du -sh "$WORK/cache" | cut -f1)"
