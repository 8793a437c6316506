# shellcheck shell=bash
# The Fief part of the test lab: Fief-0.27-shaped instances (a main database and a workspace, per vendor) for the
# panel's Fief 0.28 workspace consolidation, and a STAND-IN for the Fief 0.28 server and CLI. Sourced by lab.sh (it
# uses lab.sh's helpers and settings: log, die, as_user, random_secret, port_open, close_inherited_fds,
# create_mariadb_database, create_pg_database, pg_super, mysql_root, LAB_DIR, LAB_ROOT, PROPS ...); not run alone.
#
# Fief cannot be installed here (it is on neither Debian nor the npm registry). What is real: the databases (the
# lab's PostgreSQL, MariaDB, sqlite3), their tables, column types and rows as Fief's own alembic migrations make them
# per vendor (fief/fieflab.py writes them: main tree at c8cf076d3ffa, workspace tree at 6c06c7d908a7), Fernet values
# made with Debian's python3-cryptography under the instance's ENCRYPTION_KEY. What is a stand-in:
# fief/fief028.py, the 0.28 server's start-up upgrade (alembic 6c06c7d908a7 -> 6d9fa141730c, the admin role) and its
# /.well-known/openid-configuration, and `fief grant-admin-role` (the rows the real command writes); see its header.
#
# What `lab.sh up` (and `lab.sh fief-up`) builds, each instance owned by dflab in $LAB_ROOT/NAME (mode 750):
#   fief-pgsql    main DB: PostgreSQL database fief_main (role fief_lab), the five main tables in public; workspace
#                 08e952f1-8a79-4672-99f8-ea6919cd4692 (the guide's example id): its 28 fief_* tables, the enum types
#                 fief_clienttype, fief_acr, fief_userfieldtype, in the schema named after the id
#   fief-mariadb  main DB: MariaDB database fief_main (user fief_lab); workspace 3f2c7a9e-51b4-4d0c-9a6e-2b8f4c1d7e05
#                 in the database named after the id (user fief_lab may use both)
#   fief-sqlite   main DB: data/db/fief.db; workspace 9b1e4d2a-7c3f-4e8b-a5d6-0f2e8c4b6a13 in data/db/<id>
#                 (DATABASE_LOCATION=data/db, as the Docker image's /data/db)
# Rows: 2 tenants, 2 clients, 5 users (admin anne@bretagne.duchy), 3 permissions, 2 roles, user roles and
# permissions, 2 OAuth providers (client_id, client_secret Fernet-encrypted), an OAuth account (access and refresh
# tokens encrypted), a user field and value, a webhook and 2 logs, 3 e-mail templates, a grant, a refresh and a
# session token, 3 audit logs; main: alembic_version, the workspaces row, workspace_users, admin_api_key
# ("CI deploy", "Terraform"), admin_session_tokens.
# Each instance: .env (Fief's names: DATABASE_TYPE, DATABASE_HOST/PORT/USERNAME/PASSWORD/NAME, DATABASE_LOCATION
# for SQLite, ENCRYPTION_KEY, SECRET, FIEF_CLIENT_ID, FIEF_CLIENT_SECRET, PORT), bin/start (the stand-in 0.28 server
# in the background, waits for /.well-known/openid-configuration, exit 1 with its log when its upgrade fails),
# bin/start-0.27 (the stand-in 0.27 server a rollback starts again: refuses unless the workspaces are back in their
# place), bin/stop, bin/fief (the stand-in CLI), logs/fief.log, run/fief.pid. Nothing runs after a build (a 0.27 instance is
# stopped for its consolidation; the 0.27 server is not simulated). Ports: 18281, 18282, 18283.
#
#   lab.sh fief-up               (re)build the three (the lab's users, sshd and DBs must be up); ~10 s
#   lab.sh fief-reset NAME [SWITCH]   rebuild one, with one failure switch:
#       wrong-key         the .env's ENCRYPTION_KEY is another valid Fernet key than the one the values were made with
#       clash             the main DB already holds a fief_webhooks table (an earlier attempt's leftover)
#       other-server      the workspaces row says POSTGRESQL on db-workspaces.bretagne.internal (its connection
#                         settings Fernet-encrypted): its tables are on another server, none here
#       second-workspace  a second workspace (d4a7e2c1-0b9f-4c6e-8e31-5a2f7b9c0d48) with tables of its own
#       index-clash       names that move with the tables are taken in the main DB: PostgreSQL, a table lab_reports in
#                         public whose primary key is named fief_webhooks_pkey and with an index named
#                         ix_fief_webhook_logs_created_at (an index name is a relation name of its schema); MariaDB, a
#                         table lab_reports in fief_main with a foreign key named fief_webhook_logs_ibfk_1 (InnoDB foreign key
#                         names are per database); SQLite, no such switch (index names are per file, the swap merges none)
#       half-move         a move that fails half way: PostgreSQL, a composite type public.fief_webhook_logs (a type is a
#                         relation name too: the table cannot follow it there; the pre-flight looks at tables, enum
#                         types, indexes and sequences, not at stray types);
#                         MariaDB, a trigger on fief_webhook_logs (RENAME TABLE to another database refuses it);
#                         SQLite, no such switch (its move is two renames of files)
# Fresh installs for the workspace move: fief-fresh-mariadb (an empty MariaDB database and user fief_fresh, port 18286)
# and fief-fresh-sqlite (no fief.db yet in data/db, port 18287), each a Fief 0.28 install's directory with bin/start,
# bin/stop, bin/fief as above and the ENCRYPTION_KEY of fief-mariadb / fief-sqlite (the move's pre-flight requires the
# key the workspace's values were made with). Rebuilt by fief-up and fief-reset NAME.
# Fief Cloud: fief-cloud, a fresh Fief 0.28 install's directory (owned by dflab, .env with DATABASE_TYPE POSTGRESQL,
# an empty PostgreSQL database fief_cloud of role fief_cloud, no ENCRYPTION_KEY yet; port 18284), and
# $LAB_ROOT/fief-cloud-export.sql shaped as the Fief Cloud exporter's dump: first line "-- ENCRYPTION_KEY=<key>",
# then plain PostgreSQL SQL creating and filling the workspace's fief_* tables in public (its values encrypted with
# that key). Not rebuilt by fief-reset except as fief-reset fief-cloud.
# Properties: fief.* and fief.NAME.* in lab.properties (see fief_properties).

FIEF_INSTANCES=(fief-pgsql fief-mariadb fief-sqlite)
FIEF_DB=fief_main
FIEF_DB_USER=fief_lab
FIEF_ADMIN_EMAIL=anne@bretagne.duchy
FIEF_SECOND_WORKSPACE=d4a7e2c1-0b9f-4c6e-8e31-5a2f7b9c0d48
FIEF_PY=/usr/bin/python3
FIEF_HOME=$LAB_ROOT/fief-standin
FIEF_SWITCHES=(none wrong-key clash index-clash other-server second-workspace half-move)

FIEF_CLOUD=fief-cloud
FIEF_CLOUD_DB=fief_cloud
FIEF_CLOUD_EXPORT=$LAB_ROOT/fief-cloud-export.sql
# fresh installs a workspace move (fief.move-workspace) copies an extra workspace of fief-mariadb / fief-sqlite into
FIEF_FRESH_INSTANCES=(fief-fresh-mariadb fief-fresh-sqlite)
FIEF_FRESH_DB=fief_fresh
# Fief in Docker (see fief_docker_* below): built after docker.sh's part, by lab.sh up and lab.sh fief-docker-up
FIEF_DOCKER_INSTANCES=(fief-docker-pgsql fief-docker-sqlite)
FIEF_DOCKER_DB=fief_docker
FIEF_DOCKER_APP=/app
fief_known() { local i; for i in "${FIEF_INSTANCES[@]}" "$FIEF_CLOUD" "${FIEF_FRESH_INSTANCES[@]}" "${FIEF_DOCKER_INSTANCES[@]}"; do [[ $1 == "$i" ]] && return 0; done; return 1; }
fief_fresh() { [[ $1 == fief-fresh-* ]]; }
fief_in_docker() { local i; for i in "${FIEF_DOCKER_INSTANCES[@]}"; do [[ $1 == "$i" ]] && return 0; done; return 1; }
fief_dir() { echo "$LAB_ROOT/$1"; }
fief_kind() { if [[ $1 == "$FIEF_CLOUD" ]]; then echo pgsql; else echo "${1##*-}"; fi; }
fief_port() { case $1 in fief-pgsql) echo 18281 ;; fief-mariadb) echo 18282 ;; fief-sqlite) echo 18283 ;; fief-cloud) echo 18284 ;; fief-docker-pgsql) echo 18285 ;; fief-fresh-mariadb) echo 18286 ;; fief-fresh-sqlite) echo 18287 ;; fief-docker-sqlite) echo 18288 ;; esac; }
fief_workspace() {
    case $1 in
        fief-pgsql) echo 08e952f1-8a79-4672-99f8-ea6919cd4692 ;;
        fief-mariadb) echo 3f2c7a9e-51b4-4d0c-9a6e-2b8f4c1d7e05 ;;
        fief-sqlite) echo 9b1e4d2a-7c3f-4e8b-a5d6-0f2e8c4b6a13 ;;
        fief-cloud) echo 5e0c1b8d-2f4a-4c3e-9d7b-6a1f0e2c3b49 ;;
        fief-docker-pgsql) echo 7a3d9c2e-6b1f-4e8a-9c5d-2f0b7e4a1c86 ;;
        fief-docker-sqlite) echo 2c8e5f1a-9d3b-4a7e-b6c2-1e0f4d8a7b35 ;;
    esac
}
fief_type() { case $(fief_kind "$1") in pgsql) echo POSTGRESQL ;; mariadb) echo MYSQL ;; sqlite) echo SQLITE ;; esac; }
fief_db_user() { case $1 in "$FIEF_CLOUD") echo "$FIEF_CLOUD_DB" ;; fief-docker-pgsql) echo "$FIEF_DOCKER_DB" ;; fief-fresh-*) echo "$FIEF_FRESH_DB" ;; *) echo "$FIEF_DB_USER" ;; esac; }
fief_db_name() { case $1 in "$FIEF_CLOUD") echo "$FIEF_CLOUD_DB" ;; fief-docker-pgsql) echo "$FIEF_DOCKER_DB" ;; fief-fresh-*) echo "$FIEF_FRESH_DB" ;; *) echo "$FIEF_DB" ;; esac; }
fief_var() { local v=FIEF_${2}_${1//-/_}; echo "${!v}"; }   # fief_var NAME KEY|SECRET|DB_PASSWORD|WRONG_KEY
fief_key() { # the instance's ENCRYPTION_KEY; a fresh install's is that of the install it receives a workspace from
    if fief_fresh "$1"; then fief_var "fief-${1#fief-fresh-}" KEY; else fief_var "$1" KEY; fi
}
fief_switch_file() { echo "$LAB_DIR/fief/$1.switch"; }
fief_switch() { cat "$(fief_switch_file "$1")" 2>/dev/null || echo none; }

fief_python() { # Debian's python3 with python3-cryptography (the Fernet values)
    "$FIEF_PY" -c 'import cryptography.fernet' 2>/dev/null && return 0
    log "installing python3-cryptography (Fief's Fernet values)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-cryptography >/dev/null \
        || die "python3-cryptography could not be installed"
}

fief_secrets() { # the missing ones appended (after load_secrets, which read the file)
    local f=$LAB_DIR/secrets.env name n
    for name in "${FIEF_INSTANCES[@]}" "$FIEF_CLOUD" "${FIEF_FRESH_INSTANCES[@]}" "${FIEF_DOCKER_INSTANCES[@]}"; do
        n=${name//-/_}
        [[ -v FIEF_KEY_$n ]] || add_secret "$f" "FIEF_KEY_$n" "$("$FIEF_PY" "$ASSETS/fief/fieflab.py" newkey)"
        [[ -v FIEF_WRONG_KEY_$n ]] || add_secret "$f" "FIEF_WRONG_KEY_$n" "$("$FIEF_PY" "$ASSETS/fief/fieflab.py" newkey)"
        [[ -v FIEF_SECRET_$n ]] || add_secret "$f" "FIEF_SECRET_$n" "$(random_secret 64)"
        [[ -v FIEF_CLIENT_SECRET_$n ]] || add_secret "$f" "FIEF_CLIENT_SECRET_$n" "$(random_secret 43)"
        if [[ $(fief_kind "$name") != sqlite && ! -v FIEF_DB_PASSWORD_$n ]]; then
            add_secret "$f" "FIEF_DB_PASSWORD_$n" "$(random_secret 20)"
        fi
    done
}

fief_server_pids() { # pids of stand-in servers started for the instance (their command line names its .env)
    pgrep -f -- "fief028\.py --env $(fief_dir "$1")/\.env " || true
}

fief_stop() {
    local name=$1 dir pid
    dir=$(fief_dir "$name")
    if fief_in_docker "$name"; then
        [[ -n $(docker_pid) ]] && lab_docker rm -f "$(fief_docker_container "$name")" >/dev/null 2>&1
        return 0
    fi
    if [[ -x $dir/bin/stop ]]; then as_user dflab "$dir/bin/stop" >/dev/null 2>&1 || true; fi
    for pid in $(fief_server_pids "$name"); do kill "$pid" 2>/dev/null || true; done
    return 0
}

fief_write_env() {
    local name=$1 dir key
    dir=$(fief_dir "$name")
    key=$(fief_key "$name")
    [[ $(fief_switch "$name") == wrong-key ]] && key=$(fief_var "$name" WRONG_KEY)
    {
        echo "# Fief lab instance $name (written by src/test/lab/fief.sh): Fief's settings, as its Docker image reads them"
        echo "SECRET=$(fief_var "$name" SECRET)"
        echo "FIEF_CLIENT_ID=lab-$name"
        echo "FIEF_CLIENT_SECRET=$(fief_var "$name" CLIENT_SECRET)"
        [[ $name == "$FIEF_CLOUD" ]] || echo "ENCRYPTION_KEY=$key"
        echo "PORT=$(fief_port "$name")"
        echo "ROOT_DOMAIN=127.0.0.1:$(fief_port "$name")"
        echo "FIEF_DOMAIN=127.0.0.1:$(fief_port "$name")"
        echo "DATABASE_TYPE=$(fief_type "$name")"
        case $(fief_kind "$name") in
            sqlite)
                # in Docker the image's place, /data/db (a named volume: fief_docker_volume)
                if fief_in_docker "$name"; then echo "DATABASE_LOCATION=/data/db"; else echo "DATABASE_LOCATION=$dir/data/db"; fi
                echo "DATABASE_NAME=fief.db" ;;
            *)
                echo "DATABASE_HOST=127.0.0.1"
                echo "DATABASE_PORT=$([[ $(fief_kind "$name") == pgsql ]] && echo "$PG_PORT" || echo "$MARIADB_PORT")"
                echo "DATABASE_USERNAME=$(fief_db_user "$name")"
                echo "DATABASE_PASSWORD=$(fief_var "$name" DB_PASSWORD)"
                echo "DATABASE_NAME=$(fief_db_name "$name")" ;;
        esac
        echo "CSRF_COOKIE_SECURE=False"
        echo "SESSION_COOKIE_SECURE=False"
    } >"$dir/.env"
}

# fief_start_script NAME FILE VERSION MODE: a start script of the stand-in server (fief028.py MODE), see its header
fief_start_script() {
    local name=$1 file=$2 version=$3 mode=$4 dir
    dir=$(fief_dir "$name")
    cat >"$file" <<SCRIPT
#!/bin/bash
# Starts the STAND-IN Fief $version server of lab instance $name (src/test/lab/fief/fief028.py $mode), then
# /.well-known/openid-configuration on 127.0.0.1:$(fief_port "$name"). Waits 30 s at most; exit 1 with the log's
# end when the server exits (a failed upgrade, a layout it refuses). Written by src/test/lab/fief.sh.
set -u
DIR=$dir
PIDFILE=\$DIR/run/fief.pid
LOG=\$DIR/logs/fief.log
if [[ -s \$PIDFILE ]] && kill -0 "\$(<"\$PIDFILE")" 2>/dev/null; then echo "fief $name: already running"; exit 0; fi
(
    for fd in /proc/\$BASHPID/fd/*; do fd=\${fd##*/}; ((fd > 2)) && eval "exec \$fd>&-" 2>/dev/null; done
    cd "\$DIR" && exec setsid $FIEF_PY $FIEF_HOME/fief028.py --env \$DIR/.env $mode >>"\$LOG" 2>&1 </dev/null
) &
pid=\$!
echo "\$pid" >"\$PIDFILE"
for ((i = 0; i < 150; i++)); do
    if (exec 2>/dev/null; exec 3<>/dev/tcp/127.0.0.1/$(fief_port "$name")); then echo "fief $name: $version started (pid \$pid)"; exit 0; fi
    if ! kill -0 "\$pid" 2>/dev/null; then
        rm -f "\$PIDFILE"; echo "fief $name: the server exited; the end of \$LOG:" >&2; tail -n 5 "\$LOG" >&2; exit 1
    fi
    sleep 0.2
done
echo "fief $name: no answer after 30 s" >&2
exit 1
SCRIPT
}

fief_write_scripts() {
    local name=$1 dir
    dir=$(fief_dir "$name")
    fief_start_script "$name" "$dir/bin/start" 0.28 run-server
    fief_start_script "$name" "$dir/bin/start-0.27" 0.27 run-server-0.27
    cat >"$dir/bin/stop" <<SCRIPT
#!/bin/bash
# Stops the stand-in Fief server of lab instance $name. Exit 0 also when it was not running.
PIDFILE=$dir/run/fief.pid
[[ -s \$PIDFILE ]] || { echo "fief $name: not running"; exit 0; }
pid=\$(<"\$PIDFILE")
kill -TERM -- "-\$pid" 2>/dev/null || kill -TERM "\$pid" 2>/dev/null
for ((i = 0; i < 50; i++)); do kill -0 "\$pid" 2>/dev/null || break; sleep 0.1; done
kill -KILL -- "-\$pid" 2>/dev/null
rm -f "\$PIDFILE"
echo "fief $name: stopped"
SCRIPT
    cat >"$dir/bin/fief" <<SCRIPT
#!/bin/sh
# The STAND-IN fief CLI of lab instance $name (grant-admin-role EMAIL); reads the instance's .env.
exec $FIEF_PY $FIEF_HOME/fief028.py --env $dir/.env "\$@"
SCRIPT
    chmod 755 "$dir/bin/start" "$dir/bin/start-0.27" "$dir/bin/stop" "$dir/bin/fief"
}

# fief_sql NAME PART [ARGS...]: the generator's SQL for the instance (main or workspace); the first workspace (no
# --seed) is the main one, holding the client FIEF_CLIENT_ID names, as 0.27's run-server made it
fief_sql() {
    local name=$1 part=$2 client=()
    shift 2
    [[ $part == workspace && " $* " != *" --seed "* ]] && client=(--client-id "lab-$name")
    "$FIEF_PY" "$ASSETS/fief/fieflab.py" "$part" "$(fief_kind "$name")" --key="$(fief_var "$name" KEY)" \
        --admin "$FIEF_ADMIN_EMAIL" "${client[@]}" "$@"
}

fief_pg() { fief_pg_of fief-pgsql "$@"; }
fief_pg_of() { # fief_pg_of NAME ARGS...: psql on the instance's main database as its role
    local name=$1; shift
    PGPASSWORD=$(fief_var "$name" DB_PASSWORD) psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" \
        -U "$(fief_db_user "$name")" -d "$(fief_db_name "$name")" "$@"
}
fief_my() { MYSQL_PWD=$(fief_var fief-mariadb DB_PASSWORD) mariadb -h 127.0.0.1 -P "$MARIADB_PORT" -u "$FIEF_DB_USER" "$@"; }

fief_build() {
    local name=$1 dir ws switch main_args=() second=''
    dir=$(fief_dir "$name")
    ws=$(fief_workspace "$name")
    switch=$(fief_switch "$name")
    log "fief instance $dir ($name, $(fief_type "$name"), workspace $ws, switch $switch)"
    fief_stop "$name"
    rm -rf "$dir"
    install -d -o dflab -g dflab -m 750 "$dir"
    install -d -o dflab -g dflab -m 755 "$dir/bin" "$dir/logs" "$dir/run" "$dir/data" "$dir/data/db"
    main_args=(--ws "$ws" --domain "127.0.0.1:$(fief_port "$name")")
    [[ $switch == second-workspace ]] && { second=$FIEF_SECOND_WORKSPACE; main_args+=(--ws "$second"); }
    [[ $switch == other-server ]] && main_args+=(--other-server)
    if [[ $name == "$FIEF_CLOUD" ]]; then
        fief_build_cloud "$name"
        return
    fi
    if fief_fresh "$name"; then
        [[ $(fief_kind "$name") == mariadb ]] && create_mariadb_database "$FIEF_FRESH_DB" "$FIEF_FRESH_DB" "$(fief_var "$name" DB_PASSWORD)"
        fief_write_env "$name"
        fief_write_scripts "$name"
        chown dflab:dflab "$dir/.env" "$dir/bin/start" "$dir/bin/start-0.27" "$dir/bin/stop" "$dir/bin/fief"
        chmod 600 "$dir/.env"
        return
    fi
    case $(fief_kind "$name") in
        pgsql)
            create_pg_database "$(fief_db_name "$name")" "$(fief_db_user "$name")" "$(fief_var "$name" DB_PASSWORD)"
            pg_super -c "REVOKE CONNECT, TEMPORARY ON DATABASE $(fief_db_name "$name") FROM PUBLIC"
            fief_sql "$name" main "${main_args[@]}" | fief_pg_of "$name" >/dev/null
            if [[ $switch != other-server ]]; then
                { echo "CREATE SCHEMA \"$ws\"; SET search_path TO \"$ws\";"; fief_sql "$name" workspace; } | fief_pg_of "$name" >/dev/null
            fi
            if [[ -n $second ]]; then
                { echo "CREATE SCHEMA \"$second\"; SET search_path TO \"$second\";"; fief_sql "$name" workspace --seed 2; } | fief_pg_of "$name" >/dev/null
            fi
            [[ $switch == clash ]] && echo 'CREATE TABLE public.fief_webhooks (id UUID PRIMARY KEY, url VARCHAR(255));' | fief_pg_of "$name"
            [[ $switch == index-clash ]] && echo 'CREATE TABLE public.lab_reports (id INT CONSTRAINT fief_webhooks_pkey PRIMARY KEY); CREATE INDEX ix_fief_webhook_logs_created_at ON public.lab_reports (id);' | fief_pg_of "$name"
            [[ $switch == half-move ]] && echo 'CREATE TYPE public.fief_webhook_logs AS (id INT);' | fief_pg_of "$name"
            ;;
        mariadb)
            create_mariadb_database "$FIEF_DB" "$FIEF_DB_USER" "$(fief_var "$name" DB_PASSWORD)"
            for w in "$ws" $second; do
                mysql_root -e "DROP DATABASE IF EXISTS \`$w\`"
                [[ $switch == other-server && $w == "$ws" ]] && continue
                mysql_root -e "CREATE DATABASE \`$w\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
                    GRANT ALL PRIVILEGES ON \`$w\`.* TO '$FIEF_DB_USER'@'%'; GRANT ALL PRIVILEGES ON \`$w\`.* TO '$FIEF_DB_USER'@'localhost';"
            done
            fief_sql "$name" main "${main_args[@]}" | fief_my "$FIEF_DB"
            [[ $switch != other-server ]] && fief_sql "$name" workspace | fief_my "$ws"
            [[ -n $second ]] && fief_sql "$name" workspace --seed 2 | fief_my "$second"
            [[ $switch == clash ]] && fief_my "$FIEF_DB" -e 'CREATE TABLE fief_webhooks (id CHAR(36) PRIMARY KEY, url VARCHAR(255))'
            [[ $switch == index-clash ]] && fief_my "$FIEF_DB" -e 'CREATE TABLE lab_reports (id INT PRIMARY KEY, parent INT, CONSTRAINT fief_webhook_logs_ibfk_1 FOREIGN KEY (parent) REFERENCES lab_reports (id)) ENGINE=InnoDB'
            [[ $switch == half-move ]] && fief_my "$ws" -e 'CREATE TRIGGER fief_webhook_logs_audit BEFORE INSERT ON fief_webhook_logs FOR EACH ROW SET NEW.attempt = NEW.attempt'
            ;;
        sqlite)
            fief_sql "$name" main "${main_args[@]}" | sqlite3 -bail "$dir/data/db/fief.db"
            [[ $switch != other-server ]] && fief_sql "$name" workspace | sqlite3 -bail "$dir/data/db/$ws"
            [[ -n $second ]] && fief_sql "$name" workspace --seed 2 | sqlite3 -bail "$dir/data/db/$second"
            [[ $switch == clash ]] && sqlite3 "$dir/data/db/fief.db" 'CREATE TABLE fief_webhooks (id CHAR(36) PRIMARY KEY, url VARCHAR(255))'
            chown -R dflab:dflab "$dir/data"
            ;;
    esac
    fief_write_env "$name"
    if fief_in_docker "$name"; then
        fief_docker_finish "$name"
        return
    fi
    fief_write_scripts "$name"
    chown dflab:dflab "$dir/.env" "$dir/bin/start" "$dir/bin/start-0.27" "$dir/bin/stop" "$dir/bin/fief"
    chmod 600 "$dir/.env"
}

# fief_build_cloud NAME: a fresh 0.28 install's directory on an empty database, and the exporter-shaped dump
fief_build_cloud() {
    local name=$1 dir key
    dir=$(fief_dir "$name")
    key=$(fief_var "$name" KEY)
    create_pg_database "$FIEF_CLOUD_DB" "$FIEF_CLOUD_DB" "$(fief_var "$name" DB_PASSWORD)"
    pg_super -c "REVOKE CONNECT, TEMPORARY ON DATABASE $FIEF_CLOUD_DB FROM PUBLIC"
    {
        echo "-- ENCRYPTION_KEY=$key"
        echo "-- Fief Cloud export of workspace $(fief_workspace "$name"), shaped as the exporter dump (lab)"
        echo "SET client_encoding = 'UTF8';"
        fief_sql "$name" workspace --seed 3
    } >"$FIEF_CLOUD_EXPORT.tmp"
    chmod 600 "$FIEF_CLOUD_EXPORT.tmp"
    mv "$FIEF_CLOUD_EXPORT.tmp" "$FIEF_CLOUD_EXPORT"
    fief_write_env "$name"
    fief_write_scripts "$name"
    chown dflab:dflab "$dir/.env" "$dir/bin/start" "$dir/bin/start-0.27" "$dir/bin/stop" "$dir/bin/fief"
    chmod 600 "$dir/.env"
}

fief_up() {
    local name started=$SECONDS
    fief_python
    install -d -m 700 "$LAB_DIR/fief"
    fief_secrets
    install -d -m 775 -o root -g dflab "$LAB_ROOT"
    install -d -m 755 "$FIEF_HOME"
    install -m 644 "$ASSETS/fief/fief028.py" "$FIEF_HOME/fief028.py"
    for name in "${FIEF_INSTANCES[@]}" "$FIEF_CLOUD" "${FIEF_FRESH_INSTANCES[@]}"; do
        rm -f "$(fief_switch_file "$name")"
        fief_build "$name"
    done
    log "fief: three instances built in $((SECONDS - started))s"
}

fief_instance_properties() {
    local name=$1 p=fief.$1 dir
    dir=$(fief_dir "$name")
    echo "$p.path=$dir"
    echo "$p.owner=dflab"
    echo "$p.switch=$(fief_switch "$name")"
    echo "$p.db.type=$(fief_type "$name")"
    case $(fief_kind "$name") in
        sqlite)
            if fief_in_docker "$name"; then # the test's eyes: the named volume's directory on the host (root only)
                echo "$p.db.location=$(fief_docker_volume_dir "$name")"
                echo "$p.volume=$(fief_docker_volume "$name")"
            else
                echo "$p.db.location=$dir/data/db"
            fi
            echo "$p.db.name=fief.db" ;;
        *)
            echo "$p.db.host=127.0.0.1"
            echo "$p.db.port=$([[ $(fief_kind "$name") == pgsql ]] && echo "$PG_PORT" || echo "$MARIADB_PORT")"
            echo "$p.db.name=$(fief_db_name "$name")"
            echo "$p.db.user=$(fief_db_user "$name")"
            echo "$p.db.password=$(fief_var "$name" DB_PASSWORD)" ;;
    esac
    echo "$p.workspace=$(fief_workspace "$name")"
    echo "$p.key=$(fief_key "$name")"
    echo "$p.wrong.key=$(fief_var "$name" WRONG_KEY)"
    echo "$p.port=$(fief_port "$name")"
    echo "$p.url=http://127.0.0.1:$(fief_port "$name")"
    echo "$p.admin.email=$FIEF_ADMIN_EMAIL"
    echo "$p.start=$dir/bin/start"
    echo "$p.start027=$dir/bin/start-0.27"
    echo "$p.stop=$dir/bin/stop"
    if fief_in_docker "$name"; then
        echo "$p.cli=fief"   # in the container (docker exec)
        echo "$p.deployment=docker"
        echo "$p.container=$(fief_docker_container "$name")"
        echo "$p.app=$FIEF_DOCKER_APP"
        echo "$p.envfile=$dir/.env"
    else
        echo "$p.cli=$dir/bin/fief"
    fi
}

fief_properties() {
    echo "fief.instances=$(IFS=,; echo "${FIEF_INSTANCES[*]}")"
    echo "fief.second.workspace=$FIEF_SECOND_WORKSPACE"
    local name
    for name in "${FIEF_INSTANCES[@]}" "$FIEF_CLOUD" "${FIEF_FRESH_INSTANCES[@]}" "${FIEF_DOCKER_INSTANCES[@]}"; do
        fief_instance_properties "$name"
    done
    echo "fief.cloud.export=$FIEF_CLOUD_EXPORT"
}

# fief_replace_properties [NAME]: the fief.* lines of lab.properties replaced (NAME's alone, after its reset), the
# others kept
fief_replace_properties() {
    local tmp
    lock_properties
    tmp=$(mktemp "$PROPS.XXXXXX")
    if [[ -n ${1:-} ]]; then
        { grep -Ev "^fief\.$1\." "$PROPS" || true; fief_instance_properties "$1"; } >"$tmp"
    else
        { grep -Ev '^fief\.' "$PROPS" || true; fief_properties; } >"$tmp"
    fi
    chmod 600 "$tmp"
    mv "$tmp" "$PROPS"
}

cmd_fief_up() {
    [[ $(id -u) -eq 0 ]] || die "run as root"
    [[ -s $PROPS && -s $LAB_DIR/secrets.env ]] || die "the lab is not up ($PROPS missing); run: src/test/lab/lab.sh up"
    exec 7>"$LAB_DIR/fief.lock"
    flock -w 120 7 || die "another Fief build or reset is still running"
    start_databases
    load_secrets
    fief_up
    fief_replace_properties
    echo "fief lab up"
}

cmd_fief_reset() {
    local name=${1:-} switch=${2:-none} s ok=''
    [[ $(id -u) -eq 0 ]] || die "run as root"
    fief_known "$name" || die "unknown Fief instance '$name' (one of: ${FIEF_INSTANCES[*]})"
    for s in "${FIEF_SWITCHES[@]}"; do [[ $s == "$switch" ]] && ok=1; done
    [[ -n $ok ]] || die "unknown switch '$switch' (one of: ${FIEF_SWITCHES[*]})"
    [[ $switch == half-move && $(fief_kind "$name") == sqlite ]] && die "no half-move switch for SQLite (its move is two renames of files)"
    [[ $switch == index-clash && $(fief_kind "$name") == sqlite ]] && die "no index-clash switch for SQLite (index names are per file: the swap merges none)"
    [[ -s $PROPS && -s $LAB_DIR/secrets.env ]] || die "the lab is not up ($PROPS missing); run: src/test/lab/lab.sh up"
    [[ -f $FIEF_HOME/fief028.py ]] || die "the Fief lab is not built; run: src/test/lab/lab.sh fief-up"
    exec 7>"$LAB_DIR/fief.lock"
    flock -w 120 7 || die "another Fief build or reset is still running"
    start_databases
    load_secrets
    fief_secrets
    install -d -m 700 "$LAB_DIR/fief"
    install -m 644 "$ASSETS/fief/fief028.py" "$FIEF_HOME/fief028.py"
    if [[ $switch == none ]]; then rm -f "$(fief_switch_file "$name")"; else echo "$switch" >"$(fief_switch_file "$name")"; fi
    fief_build "$name"
    fief_replace_properties "$name"
    echo "instance $name reset (switch $switch)"
}

# ------------------------------------------------------------------------------------------------ Fief in Docker
# fief-docker-pgsql: Fief's usual deployment, a container whose settings are its environment (created with
# `docker run --env-file`), its database on the host's PostgreSQL (database and role fief_docker, workspace
# 7a3d9c2e-6b1f-4e8a-9c5d-2f0b7e4a1c86 in the schema of that name, the rows as for fief-pgsql). On the lab's own
# dockerd (docker.sh), network host, port 18285. Built after docker.sh's part (lab.sh up; lab.sh fief-docker-up;
# lab.sh fief-reset fief-docker-pgsql [SWITCH]).
#   the image    panel-lab/fief-standin-nocli:<tag>: docker.sh's base image plus Debian's python3 (apt-get in a
#                container of the base image, then exported and imported flat: panel-lab/fief-standin:<tag>), then
#                without /usr/bin/sqlite3 as Fief's own image (python:3.x plus pip: Python's sqlite3 module, no SQLite
#                CLI; the stand-in falls back on the module); both root file systems cached in /var/cache/panel-lab
#                like the base's; /usr/local/bin/fief runs the stand-in (fief028.py, bind-mounted
#                read-only from $FIEF_HOME at /opt/fief-standin), which reads its settings from the process
#                environment as Fief does in its image; working directory /app (the image's WORKDIR)
#   the container  panel-lab-fief-docker-pgsql, running the stand-in 0.27 server once built
#   on the host  $LAB_ROOT/fief-docker-pgsql (dflab): .env, the file the container is created from (--env-file);
#                bin/start  recreates the container from .env running the 0.28 stand-in (`fief run-server`) and waits
#                           for its port: a new ENCRYPTION_KEY in .env only reaches Fief this way (docker start keeps
#                           the environment a container was created with);
#                bin/start-0.27  the same with the 0.27 stand-in (a rollback's); bin/stop  docker stop
# fief-docker-sqlite: the same on SQLite, Fief's default Docker setup: DATABASE_LOCATION=/data/db in the container, a
# named volume panel-lab-fief-docker-sqlite-db mounted there (as Fief's quickstart does; a file in the container's own
# layer would not survive the start command's recreation), holding fief.db (the five main tables) and the workspace's
# file 2c8e5f1a-9d3b-4a7e-b6c2-1e0f4d8a7b35, made by fieflab.py as for fief-sqlite, then copied into the volume by a
# one-off container (owned by root, mode 644, as Fief's root process leaves them). Port 18288. Switches as for
# fief-sqlite (wrong-key, clash, other-server, second-workspace). lab.properties' db.location is the volume's
# directory on the host (root only: the test's own eyes), .volume its name.
# The scripts name the lab's socket (docker -H): they also run as root here; the panel's own commands (docker exec,
# docker inspect, docker cp, docker run --volumes-from) go through dflab's docker context.

fief_docker_container() { echo "panel-lab-$1"; }
fief_docker_volume() { echo "panel-lab-$1-db"; }   # SQLite instances only: the named volume at /data/db
fief_docker_volume_dir() { echo "$LAB_DOCKER_DIR/data/volumes/$(fief_docker_volume "$1")/_data"; }
fief_docker_mounts() { # the start scripts' docker run options for NAME's data: the named volume on SQLite
    [[ $(fief_kind "$1") == sqlite ]] && echo "-v $(fief_docker_volume "$1"):/data/db"
    return 0
}
fief_docker_python_image() { # the base plus Debian's python3 (a step towards fief_docker_image)
    echo "panel-lab/fief-standin:$(printf '%s\n' "$(docker_image)" python3 | sha256sum | cut -c1-12)"
}
fief_docker_image() { # the stand-in's image: fief_docker_python_image without a sqlite3 command, as Fief's own image
    echo "panel-lab/fief-standin-nocli:$(printf '%s\n' "$(fief_docker_python_image)" no-sqlite3-command | sha256sum | cut -c1-12)"
}

# fief_docker_build_image: the stand-in's image, from the daemon, else the cached tarball, else made from
# fief_docker_python_image by removing /usr/bin/sqlite3 (Fief's image, python:3.x-slim plus pip, has no sqlite3 command:
# the panel must read a running Fief's SQLite files with the image's Python, whose sqlite3 module stays)
fief_docker_build_image() {
    local image tarball c
    image=$(fief_docker_image)
    lab_docker image inspect "$image" >/dev/null 2>&1 && return 0
    tarball=$DOCKER_CACHE/fief-standin-nocli-${image##*:}.tar.gz
    if [[ ! -s $tarball ]]; then
        fief_docker_build_python_image
        c=panel-lab-fief-nocli-build
        log "making $image: $(fief_docker_python_image) without /usr/bin/sqlite3 (once; cached in $DOCKER_CACHE)"
        lab_docker rm -f "$c" >/dev/null 2>&1 || true
        lab_docker run --name "$c" --network none "$(fief_docker_python_image)" sh -euc '
            rm -f /usr/bin/sqlite3
            if command -v sqlite3 >/dev/null 2>&1; then echo "a sqlite3 command is left: $(command -v sqlite3)" >&2; exit 1; fi
            python3 -c "import sqlite3; sqlite3.Connection.backup"' >"$LAB_DOCKER_DIR/fief-image.log" 2>&1 \
            || { lab_docker rm -f "$c" >/dev/null 2>&1; die "making $image failed: $(tail -n 5 "$LAB_DOCKER_DIR/fief-image.log")"; }
        install -d -m 755 "$DOCKER_CACHE"
        lab_docker export "$c" | gzip -1 >"$tarball.tmp"
        mv "$tarball.tmp" "$tarball"
        lab_docker rm -f "$c" >/dev/null
    fi
    log "importing $tarball as $image"
    lab_docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' --change "WORKDIR $FIEF_DOCKER_APP" "$tarball" "$image" >/dev/null
}

# fief_docker_build_python_image: the base plus python3, from the daemon, else the cached tarball, else built from the base
fief_docker_build_python_image() {
    local image tarball c
    image=$(fief_docker_python_image)
    lab_docker image inspect "$image" >/dev/null 2>&1 && return 0
    tarball=$DOCKER_CACHE/fief-standin-${image##*:}.tar.gz
    if [[ ! -s $tarball ]]; then
        docker_build_image
        c=panel-lab-fief-image-build
        log "building $image: python3 from Debian into $(docker_image) (once; cached in $DOCKER_CACHE)"
        lab_docker rm -f "$c" >/dev/null 2>&1 || true
        lab_docker run --name "$c" --network host "$(docker_image)" sh -euc '
            apt-get update -q >/dev/null
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3 >/dev/null
            rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb /usr/share/doc/* /usr/share/man/*
            mkdir -p /app /data/db /opt/fief-standin
            printf "%s\n" "#!/bin/sh" "# the STAND-IN fief CLI of the panel lab (src/test/lab/fief/fief028.py)" \
                "exec python3 /opt/fief-standin/fief028.py \"\$@\"" >/usr/local/bin/fief
            chmod 755 /usr/local/bin/fief' >"$LAB_DOCKER_DIR/fief-image.log" 2>&1 \
            || { lab_docker rm -f "$c" >/dev/null 2>&1; die "building $image failed: $(tail -n 5 "$LAB_DOCKER_DIR/fief-image.log")"; }
        install -d -m 755 "$DOCKER_CACHE"
        lab_docker export "$c" | gzip -1 >"$tarball.tmp"
        mv "$tarball.tmp" "$tarball"
        lab_docker rm -f "$c" >/dev/null
    fi
    log "importing $tarball as $image"
    lab_docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' --change "WORKDIR $FIEF_DOCKER_APP" "$tarball" "$image" >/dev/null
}

# fief_docker_start_script NAME FILE VERSION MODE: a host script (re)creating the container with the stand-in MODE
fief_docker_start_script() {
    local name=$1 file=$2 version=$3 mode=$4 dir c
    dir=$(fief_dir "$name")
    c=$(fief_docker_container "$name")
    cat >"$file" <<SCRIPT
#!/bin/bash
# Recreates container $c of lab instance $name from $dir/.env (docker run --env-file: the container's
# environment is Fief's settings), running the STAND-IN Fief $version server (fief $mode), then waits 30 s at most
# for 127.0.0.1:$(fief_port "$name"); exit 1 with the container's log when it exits. Written by src/test/lab/fief.sh.
set -u
D="docker -H unix://$DOCKER_SOCK"
\$D rm -f $c >/dev/null 2>&1
\$D run -d --name $c --hostname $c --network host --label panel-lab=1 --env-file $dir/.env $(fief_docker_mounts "$name") \\
    -v $FIEF_HOME:/opt/fief-standin:ro -w $FIEF_DOCKER_APP $(fief_docker_image) fief $mode >/dev/null || exit 1
for ((i = 0; i < 150; i++)); do
    if (exec 2>/dev/null; exec 3<>/dev/tcp/127.0.0.1/$(fief_port "$name")); then echo "fief $name: $version started in $c"; exit 0; fi
    if [[ \$(\$D inspect -f '{{.State.Running}}' $c 2>/dev/null) != true ]]; then
        echo "fief $name: the container exited; its log's end:" >&2; \$D logs --tail 5 $c >&2; exit 1
    fi
    sleep 0.2
done
echo "fief $name: no answer after 30 s" >&2
exit 1
SCRIPT
}

# fief_docker_finish NAME: after fief_build made the database and .env, the image, the scripts, the 0.27 container
fief_docker_finish() {
    local name=$1 dir c
    dir=$(fief_dir "$name")
    c=$(fief_docker_container "$name")
    docker_start
    fief_docker_build_image
    if [[ $(fief_kind "$name") == sqlite ]]; then # the files fief_build made, into a fresh named volume at /data/db
        lab_docker rm -f "$c" >/dev/null 2>&1 || true
        lab_docker volume rm -f "$(fief_docker_volume "$name")" >/dev/null
        lab_docker volume create "$(fief_docker_volume "$name")" >/dev/null
        lab_docker run --rm --network none -v "$(fief_docker_volume "$name"):/data/db" -v "$dir/data/db:/seed:ro" \
            "$(fief_docker_image)" sh -euc 'cp /seed/* /data/db/ && chown root:root /data/db/* && chmod 644 /data/db/*' \
            || die "seeding volume $(fief_docker_volume "$name") failed"
        rm -rf "${dir:?}/data/db"
    fi
    fief_docker_start_script "$name" "$dir/bin/start" 0.28 run-server
    fief_docker_start_script "$name" "$dir/bin/start-0.27" 0.27 run-server-0.27
    cat >"$dir/bin/stop" <<SCRIPT
#!/bin/bash
# Stops container $c of lab instance $name (docker stop; exit 0 also when it is not running).
docker -H unix://$DOCKER_SOCK stop $c >/dev/null 2>&1 || true
echo "fief $name: stopped"
SCRIPT
    chmod 755 "$dir/bin/start" "$dir/bin/start-0.27" "$dir/bin/stop"
    chown dflab:dflab "$dir/.env" "$dir/bin/start" "$dir/bin/start-0.27" "$dir/bin/stop"
    chmod 600 "$dir/.env"
    as_user dflab "$dir/bin/start-0.27" >&2 || die "the 0.27 stand-in of $name does not start in $c"
}

fief_docker_up() {
    local name started=$SECONDS
    install -d -m 755 "$FIEF_HOME"
    install -m 644 "$ASSETS/fief/fief028.py" "$FIEF_HOME/fief028.py"
    for name in "${FIEF_DOCKER_INSTANCES[@]}"; do
        rm -f "$(fief_switch_file "$name")"
        fief_build "$name"
    done
    log "fief in docker: ${FIEF_DOCKER_INSTANCES[*]} built in $((SECONDS - started))s"
}

cmd_fief_docker_up() {
    [[ $(id -u) -eq 0 ]] || die "run as root"
    [[ -s $PROPS && -s $LAB_DIR/secrets.env ]] || die "the lab is not up ($PROPS missing); run: src/test/lab/lab.sh up"
    exec 7>"$LAB_DIR/fief.lock"
    flock -w 120 7 || die "another Fief build or reset is still running"
    start_databases
    load_secrets
    fief_python
    install -d -m 700 "$LAB_DIR/fief"
    fief_secrets
    fief_docker_up
    fief_replace_properties
    echo "fief docker lab up"
}
