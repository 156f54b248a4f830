#!/usr/bin/env bash
# Installs the Debian tools the test suite uses as independent implementations (openssl s_server and
# s_client cross-check kubetls's own TLS code; headless Chromium renders and prints the HTML report, poppler's pdftotext reads the print back). Runs before
# every `npm test`; a no-op when all are present.
set -euo pipefail
missing=()
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "kubetls tests need: ${missing[*]} (install them with your package manager)" >&2
  exit 1
fi
echo "installing test tools: ${missing[*]}" >&2
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
