# Sourced by bin/interproc, scripts/test and bench/run: finds (or installs) the toolchain
# interproc needs and fails loudly, naming what is missing, when it cannot.
# Exports JAVA_HOME (a JDK >= 22) and puts its java first on PATH.

ip_die() { echo "interproc: $*" >&2; exit 1; }

ip_java_feature() { # prints the feature release of the java binary $1, e.g. 25
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1
}

ip_find_jdk() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    local feature
    feature=$(ip_java_feature "$candidate/bin/java")
    if [ -n "$feature" ] && [ "$feature" -ge 22 ] 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

ip_apt_install() { # ip_apt_install WHY PACKAGE...: says what it installs and why, then installs as root, unasked
  local why=$1
  shift
  command -v apt-get >/dev/null || ip_die "missing $* ($why); install it (no apt-get here)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "interproc: $why, and it is missing: installing Debian package(s) $* with ${sudo:+sudo }apt-get" >&2
  $sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >&2 \
    || ip_die "could not install $*"
}

ip_require_tools() {
  command -v cmake >/dev/null || ip_apt_install "cmake configures the build of the C library" cmake
  command -v gcc >/dev/null || ip_apt_install "gcc compiles the C library" gcc
  command -v make >/dev/null || ip_apt_install "make runs the C build" make
  command -v mvn >/dev/null || ip_apt_install "Maven builds and tests the Java code" maven
  command -v clang-format >/dev/null \
    || ip_apt_install "clang-format: the build checks the C formatting" clang-format
  ip_require_cross_tools
  if ! JAVA_HOME=$(ip_find_jdk); then
    # In a subshell: when no apt source has Temurin, the message below says what to do.
    (ip_apt_install "interproc needs a JDK 22 or newer (the FFM API)" temurin-25-jdk) || true
    JAVA_HOME=$(ip_find_jdk) || ip_die "no JDK 22 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm/*). Install one, e.g. Temurin 25, and set JAVA_HOME."
  fi
  export JAVA_HOME
  export PATH="$JAVA_HOME/bin:$PATH"
}

# The JAR ships libinterproc for linux-aarch64 too: the build cross-compiles it with Debian's cross compiler,
# and the C tests run the aarch64 programs under qemu's user-mode emulator (CMakeLists.txt, cmake/).
ip_require_cross_tools() {
  local missing=""
  command -v aarch64-linux-gnu-gcc >/dev/null || missing="$missing gcc-aarch64-linux-gnu"
  # The static build: qemu-user 7.2 (bookworm) aborts when a forked child of a threaded process starts a thread.
  command -v qemu-aarch64-static >/dev/null || missing="$missing qemu-user-static"
  [ -z "$missing" ] && return 0
  # shellcheck disable=SC2086 # one word per package
  ip_apt_install "the build cross-compiles libinterproc for linux-aarch64 and runs its C tests under qemu-aarch64-static" $missing
}

# The CPython interpreters the interop tests run: python3.11, 3.12 and 3.13 from pyenv or PATH.
ip_find_pythons() {
  local version found missing=""
  INTERPROC_PYTHONS=""
  for version in 3.11 3.12 3.13; do
    found=""
    for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version".*/bin/python"$version" "$(command -v python"$version" 2>/dev/null)"; do
      [ -n "$candidate" ] && [ -x "$candidate" ] && found="$candidate" && break
    done
    if [ -n "$found" ]; then
      INTERPROC_PYTHONS="${INTERPROC_PYTHONS:+$INTERPROC_PYTHONS,}$found"
    else
      missing="$missing $version"
    fi
  done
  [ -z "$missing" ] || ip_die "CPython$missing not found (looked under ${PYENV_ROOT:-$HOME/.pyenv}/versions and on PATH); the interop tests need 3.11, 3.12 and 3.13. Install them with pyenv."
  export INTERPROC_PYTHONS
}
