#!/usr/bin/env bash
# The compose lab run for real, as test/deploy/composeLab.test.ts checks it. Needs a Docker engine:
#
#   scripts/docker-engine.sh run -- scripts/docker-compose-check.sh OUT_DIR
#
# On a copy of this work tree (tracked and new files, no node_modules, dist or keys), for each compose here
# (Compose v2 `docker compose` when its plugin is installed; Debian's docker-compose 1.29, installed when
# missing):
#   build        `--profile lab build`, from NODE_IMAGE (default: scripts/docker-base-image.sh's image)
#                with EXTRA_CA_CERTS = the CAs in $NODE_EXTRA_CA_CERTS that Node does not ship
#   lab          `--profile lab run --rm report-lab`, then lab.json and lab.txt read from the volume
#   kind-absent  `--profile kind run --rm report-kind` with no `kind` network
# and once, with the first compose, when no `kind` network exists and 172.18.0.0/16 is free on the host:
#   kind-empty   the same against a `kind` network made here (kind's addressing, no cluster in it), with a
#                tripwire listening on its gateway (the Docker host) at the kubelet and API server ports;
#                kind-empty-scan-logs has what scan-kind printed, kind-empty-json the report it wrote.
# Every step leaves OUT_DIR/<compose>/<step>.{code,stdout,stderr,ms}; OUT_DIR/summary.env has the
# composes run, the data-root and its size before and after. Everything made here is removed again
# (containers, volumes, the network, the copy); the images stay, as the build cache of the next run.
set -euo pipefail
# shellcheck source=scripts/docker-common.sh
source "$(dirname "$0")/docker-common.sh"

[ $# -eq 1 ] || die "usage: $0 OUT_DIR (inside scripts/docker-engine.sh run -- ...)"
repo=$(realpath "$(dirname "$0")/..")
out=$(realpath -m "$1")
mkdir -p "$out"
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
  die "no Docker engine answers${DOCKER_HOST:+ at $DOCKER_HOST}; run me inside scripts/docker-engine.sh run -- ..."

data_root=$(docker info --format '{{.DockerRootDir}}')
size_of() { du -sxb "$1" 2>/dev/null | cut -f1 || echo 0; }
echo "DATA_ROOT=$data_root" >"$out/summary.env"
echo "DATA_ROOT_BYTES_BEFORE=$(size_of "$data_root")" >>"$out/summary.env"

composes=()
if docker compose version >/dev/null 2>&1; then composes+=(v2); fi
command -v docker-compose >/dev/null 2>&1 || apt_install "$out/apt.log" docker-compose
composes+=(v1)
echo "COMPOSES=${composes[*]}" >>"$out/summary.env"
compose_of() { if [ "$1" = v2 ]; then echo "docker compose"; else echo "docker-compose"; fi; }

work=$(mktemp -d "${TMPDIR:-/tmp}/kubetls-compose-check.XXXXXX")
project=$work/kubetls
export COMPOSE_PROJECT_NAME=kubetls-check
made_network=0
tripwire_pid=""
cleanup() {
  set +e
  [ -n "$tripwire_pid" ] && kill "$tripwire_pid" 2>/dev/null
  for each in "${composes[@]}"; do
    for profile in lab kind; do
      (cd "$project" && $(compose_of "$each") --profile "$profile" down --volumes --remove-orphans) \
        >>"$out/cleanup.log" 2>&1
    done
  done
  [ "$made_network" = 1 ] && docker network rm kind >>"$out/cleanup.log" 2>&1
  # Earlier kubetls images this build replaced; the build stage's layers stay as the next run's cache.
  docker image prune --force --filter label=org.opencontainers.image.title=kubetls >>"$out/cleanup.log" 2>&1
  rm -rf "$work"
  echo "DATA_ROOT_BYTES_AFTER=$(size_of "$data_root")" >>"$out/summary.env"
}
trap cleanup EXIT

# The project as a fresh clone would have it, plus uncommitted work; never certs/, node_modules or dist.
mkdir -p "$project"
git -C "$repo" ls-files -z --cached --others --exclude-standard |
  tar -C "$repo" --null -T - --ignore-failed-read -c 2>/dev/null | tar -C "$project" -x
# certs/kind as the kind profile expects it, from a throwaway lab PKI (no cluster trusts it).
node "$repo/dist/src/cli/main.js" certs --out "$project/certs/kind" >/dev/null ||
  die "kubetls certs failed: run npm run build first"
# The image runs as uid 1000; certs/README.md tells users the same for the files they docker cp.
chown -R 1000 "$project/certs/kind"

export NODE_IMAGE=${NODE_IMAGE:-$(bash "$repo/scripts/docker-base-image.sh")}
# Only the extra CAs, not the whole system bundle (which is too long for one build argument): those in
# $NODE_EXTRA_CA_CERTS that Node does not already ship.
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -z "${EXTRA_CA_CERTS:-}" ]; then
  EXTRA_CA_CERTS=$(node -e '
    const { rootCertificates } = require("node:tls");
    const crypto = require("node:crypto");
    const shipped = new Set(rootCertificates.map((pem) => new crypto.X509Certificate(pem).fingerprint256));
    const pems = require("node:fs").readFileSync(process.argv[1], "utf8").match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
    process.stdout.write(pems.filter((pem) => !shipped.has(new crypto.X509Certificate(pem).fingerprint256)).join("\n"));
  ' "$NODE_EXTRA_CA_CERTS")
  export EXTRA_CA_CERTS
fi
{
  echo "NODE_IMAGE=$NODE_IMAGE"
  echo "EXTRA_CA_CERTIFICATES=$(grep -c 'BEGIN CERTIFICATE' <<<"${EXTRA_CA_CERTS:-}" || true)"
} >>"$out/summary.env"

# step COMPOSE NAME ARGS...: one compose invocation in the project, its outcome recorded, never fatal.
step() {
  local each=$1 name=$2
  shift 2
  local dir=$out/$each start code=0
  mkdir -p "$dir"
  start=$(date +%s%N)
  (cd "$project" && $(compose_of "$each") "$@") >"$dir/$name.stdout" 2>"$dir/$name.stderr" </dev/null ||
    code=$?
  echo "$code" >"$dir/$name.code"
  echo $((($(date +%s%N) - start) / 1000000)) >"$dir/$name.ms"
  echo "docker-compose-check: $each $name: exit $code" >&2
}

kind_network_free() {
  ! docker network inspect kind >/dev/null 2>&1 &&
    ! ip -4 route show | grep -q '^172\.18\.' &&
    ! ip -4 addr show | grep -q 'inet 172\.18\.'
}

for each in "${composes[@]}"; do
  step "$each" build --profile lab build
  step "$each" lab --profile lab run --rm report-lab
  step "$each" lab-json --profile lab run --rm --no-deps --entrypoint cat report-lab /reports/lab.json
  step "$each" lab-txt --profile lab run --rm --no-deps --entrypoint cat report-lab /reports/lab.txt
  step "$each" lab-down --profile lab down --volumes
  if ! docker network inspect kind >/dev/null 2>&1; then
    step "$each" kind-absent --profile kind run --rm report-kind
    step "$each" kind-absent-down --profile kind down --volumes
  fi
done

first=${composes[0]}
if kind_network_free; then
  # kind's own addressing: 172.18.0.0/16 with the host at .1. IPv4 only: the IPv6 range then fails at
  # once in the container (no route), as on a kind network without IPv6.
  docker network create --driver bridge --subnet 172.18.0.0/16 --gateway 172.18.0.1 kind >/dev/null
  made_network=1
  node -e '
    const net = require("node:net");
    const fs = require("node:fs");
    const [log, ready] = process.argv.slice(1);
    let open = 0;
    for (const port of [10250, 10255, 6443]) {
      net.createServer((socket) => {
        fs.appendFileSync(log, `${socket.remoteAddress} -> 172.18.0.1:${port}\n`);
        socket.destroy();
      }).listen(port, "172.18.0.1", () => { if (++open === 3) fs.writeFileSync(ready, "listening\n"); });
    }
  ' "$out/tripwire.log" "$out/tripwire.ready" &
  tripwire_pid=$!
  touch "$out/tripwire.log"
  for _ in $(seq 1 50); do
    [ -f "$out/tripwire.ready" ] && break
    sleep 0.2
  done
  step "$first" kind-empty --profile kind run --rm report-kind
  # What kubetls itself said in scan-kind (`run` shows only the service it runs), and what it wrote.
  step "$first" kind-empty-scan-logs --profile kind logs --no-color scan-kind
  step "$first" kind-empty-json --profile kind run --rm --no-deps --entrypoint cat report-kind /reports/kind.json
  kill "$tripwire_pid" 2>/dev/null || true
  wait "$tripwire_pid" 2>/dev/null || true
  tripwire_pid=""
  step "$first" kind-down --profile kind down --volumes
  docker network rm kind >/dev/null && made_network=0
else
  echo "KIND_EMPTY_SKIPPED=a kind network exists or 172.18.0.0/16 is in use on this host" >>"$out/summary.env"
fi
