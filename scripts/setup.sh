# Installs what Kabinet needs on Debian/Ubuntu, only what is missing, saying what it installs.
# Sourced by ./x; every function is idempotent.

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root to run: $*"; return 1
  fi
}

APT_UPDATED=
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    say "not a Debian-like system; install these yourself: ${missing[*]}"; return 1
  fi
  say "installing Debian packages: ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What compiling the Tauri app needs (WebKitGTK 4.1 and friends).
setup_build_packages() {
  apt_install build-essential pkg-config curl ca-certificates libssl-dev \
    libwebkit2gtk-4.1-dev libsoup-3.0-dev libgtk-3-dev librsvg2-dev libxdo-dev
}

# What the end-to-end tests need: Xvfb and a D-Bus session for the real window, WebKitWebDriver,
# Debian's Chromium for Playwright, keyutils and gnome-keyring (a Secret Service) for the keyring
# tests, the PostgreSQL client, OpenSSL's GOST engine (GOST R 34.10-2012 signatures) and SoftHSM2
# (a PKCS#11 token for the e-signature tests).
setup_test_packages() {
  apt_install xvfb xauth dbus dbus-x11 webkit2gtk-driver chromium imagemagick keyutils gnome-keyring procps postgresql-client \
    libengine-gost-openssl softhsm2
}

setup_rust() {
  if ! command -v cargo >/dev/null; then
    say "installing rustup (the toolchain pinned in rust-toolchain.toml follows)"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --default-toolchain none
    # shellcheck disable=SC1091
    source "$HOME/.cargo/env"
  fi
}

setup_node() {
  if ! command -v node >/dev/null; then apt_install nodejs npm; fi
  local major minor
  IFS=. read -r major minor _ <<<"$(node --version | tr -d v)"
  if [ "$major" -lt 20 ] || { [ "$major" -eq 20 ] && [ "$minor" -lt 19 ]; }; then
    say "Node.js $(node --version) is too old: Vite needs 20.19 or newer (see README)"; return 1
  fi
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing node modules from package-lock.json (npm ci: Svelte, Vite, Tauri CLI, playwright-core, webdriverio, axe-core)"
    npm ci --no-fund --no-audit --loglevel=error
  fi
}

SCHEMATHESIS_VERSION=4.32.5
SCHEMATHESIS_HOME=target/tools/schemathesis

# Schemathesis (PyPI), in a virtual environment of its own under target/, for the API fuzzing.
setup_schemathesis() {
  if [ ! -x "$SCHEMATHESIS_HOME/bin/schemathesis" ] || ! "$SCHEMATHESIS_HOME/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    say "installing schemathesis $SCHEMATHESIS_VERSION (pip, into $SCHEMATHESIS_HOME)"
    python3 -m venv "$SCHEMATHESIS_HOME"
    "$SCHEMATHESIS_HOME/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  fi
}

TAURI_DRIVER_VERSION=2.1.0
setup_tauri_driver() {
  if ! command -v tauri-driver >/dev/null; then
    say "installing tauri-driver $TAURI_DRIVER_VERSION (cargo install)"
    cargo install tauri-driver --locked --version "$TAURI_DRIVER_VERSION" --quiet
  fi
}

# Makes sure a PostgreSQL answers on 127.0.0.1:5432 and exports KABINET_TEST_POSTGRES_URL for a
# role allowed to create the per-test databases.
setup_postgres() {
  if [ -n "${KABINET_TEST_POSTGRES_URL:-}" ]; then return 0; fi
  if ! pg_ready; then
    apt_install postgresql
    local version
    version=$(ls /etc/postgresql | sort -V | tail -1)
    if [ ! -d "/etc/postgresql/$version/main" ]; then as_root pg_createcluster "$version" main >/dev/null; fi
    say "starting PostgreSQL $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 60); do pg_ready && break; sleep 0.5; done
    pg_ready || { say "PostgreSQL did not start"; return 1; }
  fi
  if psql -X -q "postgres://postgres@127.0.0.1:5432/postgres" -tAc 'select 1' >/dev/null 2>&1; then
    export KABINET_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:5432/postgres"
  else
    # Password authentication on loopback: make a test role through the local socket.
    say "creating the PostgreSQL role kabinet_test (CREATEDB) for the tests"
    as_root runuser -u postgres -- psql -X -q -c \
      "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kabinet_test') THEN
         CREATE ROLE kabinet_test LOGIN CREATEDB PASSWORD 'kabinet_test'; END IF; END \$\$;"
    export KABINET_TEST_POSTGRES_URL="postgres://kabinet_test:kabinet_test@127.0.0.1:5432/postgres"
  fi
  say "PostgreSQL tests run against 127.0.0.1:5432"
}

pg_ready() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
