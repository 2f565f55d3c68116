#!/usr/bin/env bash
# Reproduces the Dockerfile's runtime stage in a temporary directory (this machine has no container
# engine) and proves the layout works: the same paths copied (read from the Dockerfile's
# `COPY --from=build` lines), `npm ci --omit=dev` as the deps stage runs it, the Dockerfile's ENV,
# USER and CMD, an app directory nobody may write, and only DATA_DIR and a tmp dir writable.
# The app must start, pass the HEALTHCHECK, serve the sign-in page and a node list, exit 0 on SIGTERM,
# and leave no file outside DATA_DIR and tmp. Needs `npm run build` first; root to switch user.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
[ -f dist/server.js ] && [ -f .next/BUILD_ID ] || { echo "verify-image-layout: run npm run build first" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/knm-image.XXXXXX")
chmod 0755 "$work"
app=$work/app pid=''
cleanup() {
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "verify-image-layout: FAILED: $*" >&2; [ -f "$work/server.log" ] && tail -40 "$work/server.log" >&2; exit 1; }
step() { echo "verify-image-layout: $*"; }

stage=$(awk '/^FROM .* AS runtime$/ { on = 1; next } /^FROM / { on = 0 } on' Dockerfile)
[ -n "$stage" ] || fail "no 'FROM ... AS runtime' stage in the Dockerfile"
json_args() { node -e 'for (const a of JSON.parse(process.argv[1])) console.log(a)' "$1"; }

# deps stage: COPY package.json package-lock.json; RUN npm ci --omit=dev
step "npm ci --omit=dev (the deps stage)"
mkdir -p "$work/deps" "$app"
cp package.json package-lock.json "$work/deps/"
# --prefer-offline: the packages are the lockfile's, already in npm's cache after the project's own npm ci
(cd "$work/deps" && npm ci --omit=dev --no-audit --no-fund --prefer-offline --loglevel=error) || fail "npm ci --omit=dev"
grep -q '^COPY --from=deps /app/node_modules ./node_modules$' <<<"$stage" || fail "runtime stage no longer copies node_modules from deps"
mv "$work/deps/node_modules" "$app/node_modules"

# build stage outputs, copied exactly as the runtime stage lists them
while read -r -a words; do
  args=("${words[@]:2}")
  dest=${args[-1]}
  unset 'args[-1]'
  for src in "${args[@]}"; do
    rel=${src#/app/}
    [ -e "$root/$rel" ] || fail "$rel is not built (COPY --from=build $src)"
    if [[ $dest == */ ]]; then target=$app/${dest#./}$(basename "$rel"); else target=$app/${dest#./}; fi
    mkdir -p "$(dirname "$target")"
    cp -a "$root/$rel" "$target"
  done
done < <(grep '^COPY --from=build ' <<<"$stage")
rm -rf "$app/.next/cache" # the build stage deletes it after `npm run build`
step "runtime layout: $(cd "$app" && ls -A | tr '\n' ' ')($(du -sh "$app" | cut -f1))"

# USER, ENV, CMD and HEALTHCHECK of the runtime stage
user=$(sed -n 's/^USER //p' <<<"$stage")
uid=${user%%:*} gid=${user##*:}
[[ $uid =~ ^[0-9]+$ && $uid != 0 && $gid =~ ^[0-9]+$ ]] || fail "USER must be a numeric non-root uid:gid (got '$user')"
mapfile -t cmd < <(json_args "$(sed -n 's/^CMD //p' <<<"$stage")")
mapfile -t health < <(json_args "$(sed -n 's/^HEALTHCHECK .* CMD //p' <<<"$stage")")
read -r -a image_env <<<"$(sed -n 's/^ENV //p' <<<"$stage")"
grep -q '^STOPSIGNAL SIGTERM$' <<<"$stage" || fail "no STOPSIGNAL SIGTERM"

# read-only app directory (owned by root, no write bits); DATA_DIR and tmp owned by the user
chown -R 0:0 "$app" 2>/dev/null || true
chmod -R a-w "$app"
mkdir -m 0700 "$work/data" "$work/tmp"
as_user=()
if [ "$(id -u)" = 0 ]; then
  chown "$uid:$gid" "$work/data" "$work/tmp"
  as_user=(setpriv --reuid="$uid" --regid="$gid" --clear-groups --inh-caps=-all)
else
  step "not root: running as $(id -un) instead of $uid (the app directory is still read-only)"
  uid=$(id -u)
fi

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
base=http://127.0.0.1:$port
password=image-check-password
# `docker run -e`: the image's ENV, then what an operator sets (loopback, a free port, the mounts)
run_env=(PATH=/usr/local/bin:/usr/bin:/bin HOME=/nonexistent "${image_env[@]}"
  HOST=127.0.0.1 PORT="$port" DATA_DIR="$work/data" TMPDIR="$work/tmp"
  ADMIN_USERNAME=admin ADMIN_PASSWORD="$password" DEMO_NODES=25 DEMO_CHURN=false LOG_LEVEL=info)
touch "$work/started"
step "starting: ${cmd[*]} as $uid:$gid"
(cd "$app" && exec "${as_user[@]}" env -i "${run_env[@]}" "${cmd[@]}") >"$work/server.log" 2>&1 &
pid=$!

for _ in $(seq 1 300); do
  curl -fsS -o /dev/null "$base/api/healthz" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || fail "the app exited during start"
  sleep 0.2
done
(cd "$app" && "${as_user[@]}" env -i "${run_env[@]}" "${health[@]}") || fail "HEALTHCHECK (${health[*]}) failed"
step "HEALTHCHECK passes"

curl -fsS "$base/login" | grep -q 'Sign in' || fail "the sign-in page"
step "sign-in page served"

jar=$work/cookies
csrf=$(curl -fsS -c "$jar" "$base/api/auth/csrf" | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).csrfToken')
curl -fsS -o /dev/null -b "$jar" -c "$jar" -H "origin: $base" --data-urlencode "csrfToken=$csrf" \
  -d username=admin --data-urlencode "password=$password" -d json=true "$base/api/auth/callback/credentials" ||
  fail "signing in"
total=''
for _ in $(seq 1 100); do
  total=$(curl -fsS -b "$jar" "$base/api/v1/nodes?cluster_name=demo" 2>/dev/null |
    node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).total' 2>/dev/null || true)
  [ "$total" = 25 ] && break
  sleep 0.2
done
[ "$total" = 25 ] || fail "node list of the demo cluster (total=$total)"
step "signed in; node list of 25 nodes served"

kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=''
[ "$rc" = 0 ] || fail "exit code $rc after SIGTERM"
step "SIGTERM: exit 0"

if grep -Eq 'EACCES|EROFS|EPERM' "$work/server.log"; then fail "the app tried to write where it may not"; fi
# a non-root user can write only where everyone may: nothing of it may be there but in DATA_DIR and tmp
# (find exits non-zero when other processes delete their temp files while it walks: not our concern)
stray=$({ find /tmp /var/tmp /dev/shm -xdev -user "$uid" -newer "$work/started" -not -path "$work/*" 2>/dev/null || true; } | head -5)
[ -z "$stray" ] || fail "files written outside DATA_DIR and tmp: $stray"
[ -f "$work/data/knm.sqlite" ] || fail "no database in DATA_DIR"
step "OK: runtime layout verified ($(ls "$work/data" | tr '\n' ' '))"
