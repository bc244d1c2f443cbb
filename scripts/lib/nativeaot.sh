# shellcheck shell=bash
# The native toolchain a Native AOT publish (the RPS relay) links with.
#
#   nativeaot_ensure_toolchain   install clang, llvm and zlib1g-dev (the packages the .NET SDK's own AOT images add)
#                                when no C compiler driver or no objcopy is on the PATH: the AOT compiler links with
#                                clang, else gcc, and strips symbols with llvm-objcopy, else objcopy
#                                (Microsoft.NETCore.Native.Unix.targets); zlib and brotli come with the compiler's package.

# shellcheck source=scripts/lib/debian.sh
source "$(dirname "${BASH_SOURCE[0]}")/debian.sh"

nativeaot_ensure_toolchain() {
  if { command -v clang >/dev/null || command -v gcc >/dev/null; } \
    && { command -v llvm-objcopy >/dev/null || command -v objcopy >/dev/null; }; then
    return 0
  fi
  debian_install clang llvm zlib1g-dev
}
