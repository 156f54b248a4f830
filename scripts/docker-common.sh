# Sourced by scripts/docker-*.sh: the error exit and the Debian install they share.
# shellcheck shell=bash

# die MESSAGE: the reason on stderr, prefixed with the script's name, and exit 125 (no engine or image
# could be had: not the status of anything the caller asked to run).
die() {
  echo "$(basename "$0" .sh): $*" >&2
  exit 125
}

# apt_install LOG PACKAGE...: installs Debian packages without letting their maintainer scripts start
# services (these scripts start dockerd themselves, with their own flags). A policy-rc.d that is already
# there is left as it is; one created here is removed again.
apt_install() {
  local log=$1
  shift
  command -v apt-get >/dev/null 2>&1 || die "need $* but apt-get is not here: install them by hand"
  [ "$(id -u)" -eq 0 ] || die "need $* and root to install them: run as root or install them by hand"
  local policy=/usr/sbin/policy-rc.d ours=0 status=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    ours=1
  fi
  echo "$(basename "$0" .sh): installing $*" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"; } \
    >"$log" 2>&1 || status=$?
  if [ "$ours" = 1 ]; then rm -f "$policy"; fi
  [ "$status" = 0 ] || die "apt-get install $* failed (exit $status); last lines of $log:
$(tail -n 5 "$log")"
}
