#!/usr/bin/env bash
# Starts throw-away Redis servers for the redis-idmap integration tests and prints the settings they need.
#
#   eval "$(bash scripts/redis/start.sh [--cluster] [--dir DIR])"   # exports the IMAGESEARCH_REDIS_* variables
#   bash scripts/redis/stop.sh [--dir DIR]                          # stops everything this script started
#
# Servers (all on 127.0.0.1, free ports, no persistence, data under DIR):
#   standalone      -> IMAGESEARCH_REDIS_URI=redis://127.0.0.1:P
#   requirepass     -> IMAGESEARCH_REDIS_AUTH_URI=redis://127.0.0.1:P and IMAGESEARCH_REDIS_PASSWORD
#   TLS only        -> IMAGESEARCH_REDIS_TLS_URI=rediss://127.0.0.1:P and IMAGESEARCH_REDIS_TLS_CA=<its self-signed
#                      certificate, PEM> (made with openssl for 127.0.0.1, valid 2 days; clients need no certificate)
#   --cluster       -> 3 masters, no replicas: IMAGESEARCH_REDIS_CLUSTER=127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3
# Also IMAGESEARCH_REDIS_SERVER=<path of redis-server> for tests that start their own server (fault test).
# DIR defaults to ${IMAGESEARCH_REDIS_DIR:-${TMPDIR:-/tmp}/imagesearch-redis}; pid files are DIR/*/redis.pid.
# Only the env lines go to stdout; progress goes to stderr. Every wait is bounded.
set -euo pipefail

cluster=false
dir="${IMAGESEARCH_REDIS_DIR:-${TMPDIR:-/tmp}/imagesearch-redis}"
while [ $# -gt 0 ]; do
  case "$1" in
    --cluster) cluster=true ;;
    --dir) dir="$2"; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "start.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
log() { echo "redis: $*" >&2; }

install_redis() {
  if command -v redis-server >/dev/null && command -v redis-cli >/dev/null && command -v openssl >/dev/null; then
    return
  fi
  if ! command -v apt-get >/dev/null; then
    log "redis-server/redis-cli missing and no apt-get: install Redis >= 6 yourself"; exit 1
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "installing redis-server, redis-tools and openssl"
  if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server redis-tools openssl >&2; then
    $sudo apt-get update -q >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server redis-tools openssl >&2
  fi
}

# A TCP port nobody listens on (and, for cluster nodes, whose bus port +10000 is free too).
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 30000 ))
    if ! port_busy "$p" && ! port_busy $((p + 10000)); then echo "$p"; return; fi
  done
  log "no free port found"; exit 1
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_server NAME PORT [extra redis-server args...]
start_server() {
  local name="$1" port="$2"; shift 2
  local d="$dir/$name"
  mkdir -p "$d"
  redis-server --bind 127.0.0.1 --port "$port" --dir "$d" --save "" --appendonly no \
    --daemonize yes --pidfile "$d/redis.pid" --logfile "$d/redis.log" "$@"
  wait_ready "$name" "$port" "$@"
}

wait_ready() {
  local name="$1" port="$2"; shift 2
  local auth=()
  if [ "${1:-}" = "--requirepass" ]; then auth=(--no-auth-warning -a "$2"); fi
  for _ in $(seq 1 100); do
    if [ "$(redis-cli -h 127.0.0.1 -p "$port" "${auth[@]}" ping 2>/dev/null)" = "PONG" ]; then
      log "$name ready on 127.0.0.1:$port"; return
    fi
    sleep 0.1
  done
  log "$name did not answer PING on port $port within 10 s; log: $dir/$name/redis.log"
  tail -n 20 "$dir/$name/redis.log" >&2 || true
  exit 1
}

install_redis
if [ -n "$(ls "$dir"/*/redis.pid 2>/dev/null)" ]; then
  log "servers already started under $dir: stopping them first"
  bash "$(dirname "$0")/stop.sh" --dir "$dir"
fi
mkdir -p "$dir"

port=$(free_port)
start_server standalone "$port"
echo "IMAGESEARCH_REDIS_URI=redis://127.0.0.1:$port"

password="is-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
aport=$(free_port)
start_server auth "$aport" --requirepass "$password"
echo "IMAGESEARCH_REDIS_AUTH_URI=redis://127.0.0.1:$aport"
echo "IMAGESEARCH_REDIS_PASSWORD=$password"

# A TLS-only server with a throw-away self-signed certificate for 127.0.0.1.
tport=$(free_port)
tdir="$dir/tls"
mkdir -p "$tdir"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$tdir/key.pem" -out "$tdir/cert.pem" 2>"$tdir/openssl.log" \
  || { log "openssl could not make a certificate; see $tdir/openssl.log"; exit 1; }
redis-server --bind 127.0.0.1 --port 0 --tls-port "$tport" --tls-cert-file "$tdir/cert.pem" \
  --tls-key-file "$tdir/key.pem" --tls-ca-cert-file "$tdir/cert.pem" --tls-auth-clients no --dir "$tdir" \
  --save "" --appendonly no --daemonize yes --pidfile "$tdir/redis.pid" --logfile "$tdir/redis.log" \
  || { log "redis-server did not start with TLS (built without it?); see $tdir/redis.log"; exit 1; }
tls_ok=false
for _ in $(seq 1 100); do
  if [ "$(redis-cli --tls --cacert "$tdir/cert.pem" -h 127.0.0.1 -p "$tport" ping 2>/dev/null)" = "PONG" ]; then
    tls_ok=true; break
  fi
  sleep 0.1
done
if ! $tls_ok; then
  log "tls did not answer PING on port $tport within 10 s; log: $tdir/redis.log"
  tail -n 20 "$tdir/redis.log" >&2 || true
  exit 1
fi
log "tls ready on 127.0.0.1:$tport"
echo "IMAGESEARCH_REDIS_TLS_URI=rediss://127.0.0.1:$tport"
echo "IMAGESEARCH_REDIS_TLS_CA=$tdir/cert.pem"

if $cluster; then
  nodes=()
  for i in 1 2 3; do
    p=$(free_port)
    start_server "cluster-$i" "$p" --cluster-enabled yes --cluster-config-file nodes.conf \
      --cluster-node-timeout 5000
    nodes+=("127.0.0.1:$p")
  done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >&2
  first="${nodes[0]}"
  ok=false
  for _ in $(seq 1 150); do
    state=$(redis-cli -h 127.0.0.1 -p "${first#*:}" cluster info 2>/dev/null | tr -d '\r' | grep '^cluster_state:' || true)
    if [ "$state" = "cluster_state:ok" ]; then
      # every node must agree before clients connect
      all=true
      for n in "${nodes[@]}"; do
        s=$(redis-cli -h 127.0.0.1 -p "${n#*:}" cluster info 2>/dev/null | tr -d '\r' | grep '^cluster_state:' || true)
        [ "$s" = "cluster_state:ok" ] || all=false
      done
      if $all; then ok=true; break; fi
    fi
    sleep 0.2
  done
  if ! $ok; then log "cluster did not reach cluster_state:ok within 30 s"; exit 1; fi
  log "cluster ready: ${nodes[*]}"
  (IFS=,; echo "IMAGESEARCH_REDIS_CLUSTER=${nodes[*]}")
fi
echo "IMAGESEARCH_REDIS_SERVER=$(command -v redis-server)"
