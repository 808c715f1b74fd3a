#!/usr/bin/env bash
# Makes a local MariaDB ready for Shardgate's shard nodes and their tests:
#   1. a server answering on 127.0.0.1:3306 (installed and started if needed),
#   2. the application user on localhost and 127.0.0.1 with mysql_native_password
#      (the Vert.x client cannot log in as an ed25519 user),
#   3. all privileges on the databases named shardgate_* (one per shard node or test class),
#      so shard node databases must be named shardgate_<something>.
# Idempotent: running it again changes nothing that is already right. Run as root.
#
# Environment: SHARDGATE_MYSQL_USER / SHARDGATE_MYSQL_PASSWORD (default shardgate / shardgate),
# the same variables the MySQL store tests read.
set -euo pipefail

APP_USER="${SHARDGATE_MYSQL_USER:-shardgate}"
APP_PASSWORD="${SHARDGATE_MYSQL_PASSWORD:-shardgate}"
HOST=127.0.0.1
PORT=3306
WAIT_SECONDS=30

say() { echo "db-setup: $*"; }
die() { echo "db-setup: error: $*" >&2; exit 1; }

# The names end up inside SQL string literals below, so accept only characters that need no quoting.
[[ "$APP_USER" =~ ^[A-Za-z0-9_]{1,32}$ ]] || die "SHARDGATE_MYSQL_USER must match [A-Za-z0-9_]{1,32}"
[[ "$APP_PASSWORD" =~ ^[A-Za-z0-9_.@%+=:,/-]{1,64}$ ]] \
  || die "SHARDGATE_MYSQL_PASSWORD must be 1-64 characters from [A-Za-z0-9_.@%+=:,/-]"
[[ "$(id -u)" -eq 0 ]] || die "run as root (it may install and start MariaDB and uses root's socket login)"

tcp_alive() {
  mysqladmin --protocol=tcp -h "$HOST" -P "$PORT" --connect-timeout=2 ping >/dev/null 2>&1
}

server_binary() {
  local candidate
  for candidate in /usr/sbin/mariadbd /usr/sbin/mysqld; do
    if [[ -x "$candidate" ]]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

ensure_installed() {
  if server_binary >/dev/null && command -v mysqladmin >/dev/null; then
    return 0
  fi
  say "MariaDB server not installed; installing mariadb-server"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y mariadb-server
}

start_server() {
  local daemon
  daemon="$(server_binary)" || die "no mariadbd/mysqld after installation"
  # The daemon needs its socket directory; a fresh container may not have it.
  mkdir -p /run/mysqld
  chown mysql:mysql /run/mysqld 2>/dev/null || true
  if command -v service >/dev/null && [[ -x /etc/init.d/mariadb ]]; then
    say "starting MariaDB with 'service mariadb start'"
    service mariadb start || say "service mariadb start failed; trying start-stop-daemon"
  fi
  if ! tcp_alive; then
    say "starting $daemon with start-stop-daemon"
    start-stop-daemon --start --oknodo --background --chuid mysql --exec "$daemon"
  fi
}

wait_for_server() {
  local waited=0
  until tcp_alive; do
    if (( waited >= WAIT_SECONDS )); then
      die "MariaDB did not answer on $HOST:$PORT within ${WAIT_SECONDS}s"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  say "MariaDB answers on $HOST:$PORT"
}

root_sql() {
  mysql -uroot --batch --skip-column-names -e "$1"
}

app_login_works() {
  MYSQL_PWD="$APP_PASSWORD" mysql --protocol=tcp -h "$HOST" -P "$PORT" -u "$APP_USER" \
    --connect-timeout=2 -e 'SELECT 1' >/dev/null 2>&1
}

ensure_user() {
  local host="$1" account="'$APP_USER'@'$1'" plugin
  plugin="$(root_sql "SELECT plugin FROM mysql.user WHERE user = '$APP_USER' AND host = '$host'")"
  if [[ -z "$plugin" ]]; then
    root_sql "CREATE USER $account IDENTIFIED VIA mysql_native_password USING PASSWORD('$APP_PASSWORD')"
    say "created user $account (mysql_native_password)"
  elif [[ "$plugin" != "mysql_native_password" ]]; then
    root_sql "ALTER USER $account IDENTIFIED VIA mysql_native_password USING PASSWORD('$APP_PASSWORD')"
    say "switched user $account from $plugin to mysql_native_password"
  else
    say "user $account already exists"
  fi
  root_sql "GRANT ALL PRIVILEGES ON \`shardgate\\_%\`.* TO $account"
  say "granted ALL PRIVILEGES ON \`shardgate\\_%\`.* TO $account"
}

if tcp_alive; then
  say "MariaDB already running on $HOST:$PORT"
else
  ensure_installed
  start_server
  wait_for_server
fi

ensure_user localhost
ensure_user 127.0.0.1

# An existing account with another password still fails to log in: reset it rather than leave
# the tests failing with "access denied".
if ! app_login_works; then
  for host in localhost 127.0.0.1; do
    root_sql "ALTER USER '$APP_USER'@'$host' IDENTIFIED VIA mysql_native_password USING PASSWORD('$APP_PASSWORD')"
  done
  say "reset the password of '$APP_USER' (login with the configured password had failed)"
  app_login_works || die "user '$APP_USER' still cannot log in over TCP to $HOST:$PORT"
fi
say "user '$APP_USER' logs in over TCP to $HOST:$PORT; done"
