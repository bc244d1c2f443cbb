# shellcheck shell=bash
# Headless Chromium and its WebDriver for the console's browser tests, from Debian's packages.
#
#   chromium_ensure_installed   install chromium and chromium-driver with apt-get when either is missing (as root,
#                               or through sudo without a password), then export PUSHFUNCTIONS_CHROMIUM and
#                               PUSHFUNCTIONS_CHROMEDRIVER, the paths the tests drive.

chromium_ensure_installed() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    local sudo=
    if ((EUID != 0)); then
      command -v sudo >/dev/null && sudo -n true 2>/dev/null \
        || pf_die "chromium and chromium-driver are missing; install them (apt-get install chromium chromium-driver) or run as root"
      sudo="sudo -n"
    fi
    pf_step "Installing chromium and chromium-driver (apt-get)"
    # shellcheck disable=SC2086 # $sudo is empty or two words
    pf_run $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq || pf_die "apt-get update failed"
    # shellcheck disable=SC2086
    pf_run $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver \
      || pf_die "apt-get install chromium chromium-driver failed"
  fi
  PUSHFUNCTIONS_CHROMIUM=$(command -v chromium)
  PUSHFUNCTIONS_CHROMEDRIVER=$(command -v chromedriver)
  export PUSHFUNCTIONS_CHROMIUM PUSHFUNCTIONS_CHROMEDRIVER
}
