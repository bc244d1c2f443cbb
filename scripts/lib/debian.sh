# shellcheck shell=bash
# Debian packages the scripts need, installed on a fresh machine.
#
#   debian_install PACKAGE...   apt-get update, then install PACKAGE... without recommends, as root or through sudo
#                               without a password; otherwise fail naming the packages to install by hand.

# shellcheck source=scripts/lib/processes.sh
source "$(dirname "${BASH_SOURCE[0]}")/processes.sh"

debian_install() {
  local sudo=
  if ((EUID != 0)); then
    command -v sudo >/dev/null && sudo -n true 2>/dev/null \
      || pf_die "$* missing; install them (apt-get install $*) or run as root"
    sudo="sudo -n"
  fi
  pf_step "Installing $* (apt-get)"
  # shellcheck disable=SC2086 # $sudo is empty or two words
  pf_run $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq || pf_die "apt-get update failed"
  # shellcheck disable=SC2086
  pf_run $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" \
    || pf_die "apt-get install $* failed"
}
