#!/usr/bin/env bash
# Installs Debian's headless browser for the web page tests (server module, BrowserIT): chromium and
# chromium-driver. Does nothing when both are there; runs apt-get update only if the first install fails.
set -euo pipefail
log() { echo "browser/install.sh: $*" >&2; }
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  log "chromium/chromedriver missing and no apt-get: install Chromium and its WebDriver yourself"; exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
log "installing chromium and chromium-driver"
if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >&2; then
  $sudo apt-get update -q >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >&2
fi
command -v chromium >/dev/null && command -v chromedriver >/dev/null
