#!/usr/bin/env bash
# Renders a kubetls JSON result (`--output json`) as the HTML report and screenshots it in headless
# Chromium, to see the page as a person will. Uses the build: run `npm run build` first.
# Usage: scripts/render-html.sh RESULT.json [OUT_DIR]   writes OUT_DIR/report.html and OUT_DIR/report.png
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 RESULT.json [OUT_DIR]" >&2; exit 2; }
result=$(realpath "$1")
out=$(realpath -m "${2:-${TMPDIR:-/tmp}/kubetls-render}")
cd "$(dirname "$0")/.."
mkdir -p "$out"
node --input-type=module -e '
import { readFileSync, writeFileSync } from "node:fs";
import { formatHtml } from "./dist/src/report/index.js";
const [result, page] = process.argv.slice(1);
writeFileSync(page, formatHtml(JSON.parse(readFileSync(result, "utf8"))));
' "$result" "$out/report.html"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# No network: the page needs none, and a first-run Chromium would otherwise phone home.
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$profile" --window-size=1400,2400 \
  --screenshot="$out/report.png" "file://$out/report.html" 2>/dev/null
echo "$out/report.html"
echo "$out/report.png"
