# shellcheck shell=bash
# Headless Chromium and its WebDriver for the console's browser tests, from Debian's packages.
#
#   chromium_ensure_installed   install chromium and chromium-driver with apt-get when either is missing (as root,
#                               or through sudo without a password), then export PUSHFUNCTIONS_CHROMIUM and
#                               PUSHFUNCTIONS_CHROMEDRIVER, the paths the tests drive.

# shellcheck source=scripts/lib/debian.sh
source "$(dirname "${BASH_SOURCE[0]}")/debian.sh"

chromium_ensure_installed() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    debian_install chromium chromium-driver
  fi
  PUSHFUNCTIONS_CHROMIUM=$(command -v chromium)
  PUSHFUNCTIONS_CHROMEDRIVER=$(command -v chromedriver)
  export PUSHFUNCTIONS_CHROMIUM PUSHFUNCTIONS_CHROMEDRIVER
}
