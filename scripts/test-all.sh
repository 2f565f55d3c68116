#!/usr/bin/env bash
# The whole test suite: lint, typecheck, unit, build, image layout, integration, end-to-end.
# Installs Debian's chromium / kubectl / prometheus when missing (as root), else fails with a one-line instruction.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
results=test-results/summary
rm -rf "$results" && mkdir -p "$results"

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v curl >/dev/null || need_apt+=(curl)
if ! command -v kubectl >/dev/null && ! ls /usr/lib/google-cloud-sdk/bin/kubectl.1.* >/dev/null 2>&1; then
  need_apt+=(kubernetes-client)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian packages: ${need_apt[*]}"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}") >/dev/null ||
      { echo "failed to install ${need_apt[*]}; run: sudo apt-get install -y ${need_apt[*]}"; exit 1; }
  else
    echo "missing Debian packages; run: sudo apt-get install -y ${need_apt[*]}"; exit 1
  fi
fi

# the metrics integration test runs a real Prometheus and promtool
if [ ! -x /usr/bin/prometheus ] || [ ! -x /usr/bin/promtool ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian packages: prometheus"
    bash scripts/install-prometheus.sh || { echo "failed to install prometheus; run: sudo bash scripts/install-prometheus.sh"; exit 1; }
  else
    echo "missing Debian package prometheus; run: sudo bash scripts/install-prometheus.sh"; exit 1
  fi
fi

status=0
step() {
  local name=$1; shift
  echo "=== $name: $*"
  local t0=$SECONDS
  if "$@"; then echo "=== $name ok ($((SECONDS - t0)) s)"; else echo "=== $name FAILED ($((SECONDS - t0)) s)"; status=1; fi
}

step format npx prettier --check --log-level warn .
step lint npx eslint --max-warnings 0 .
step typecheck npx tsc --noEmit -p .
step unit npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$results/unit.json"
step build npm run build
# the container image's runtime stage, reproduced without a container engine (Dockerfile)
step image bash scripts/verify-image-layout.sh
step integration npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$results/integration.json"
step e2e env PLAYWRIGHT_JSON_OUTPUT_NAME="$results/e2e.json" npx playwright test --reporter=list,json

node scripts/summarize-tests.mjs "$results" || status=1
exit $status
