# shellcheck shell=bash
# CairnCMS in a Docker container (sourced by lab.sh after cairncms.sh and docker.sh; uses their helpers and
# settings: lab_docker, docker_start, docker_build_image, docker_image, DOCKER_SOCK, cairn_* , CAIRN_CLI, ...).
#
# cd-pgsql: a CairnCMS source run as CairnCMS/Directus run in Docker: its settings are the container's
# environment (`docker run --env-file`, no .env in the container), its uploads on a named volume at the vendor
# image's place (working directory /cairncms, STORAGE_LOCAL_ROOT=./uploads, volume panel-lab-cd-pgsql-uploads),
# the container's command the image's `bootstrap && start`. Its database on the host's PostgreSQL (database and
# role cd_lab), reached through the host network; port 18184. Populated with the same content as cs-pgsql
# (cairncms-populate.mjs against its port; one storage location, local, so the binary is in local too), and the
# bytes of lost-scan.pdf removed inside the container.
#   the image      docker.sh's base image (sqlite3, MariaDB and PostgreSQL clients) as it is: the lab's Node 22 and
#                  CairnCMS build are bind-mounted read-only at their host paths ($CAIRN_NODE_DIR, $CAIRN_HOME), so
#                  the CLI inside is the same command line as on the host ($CAIRN_CLI); the instance's package.json
#                  bind-mounted read-only at /cairncms/package.json
#   the container  panel-lab-cd-pgsql, --network host, user root
#   on the host    $LAB_ROOT/cd-pgsql (dflab, 750): .env (600), the file the container is created from (--env-file);
#                  package.json; bin/start recreates the container from .env and waits for /server/ping (a changed
#                  .env only reaches CairnCMS this way); bin/stop docker stop
# cdt-pgsql: a CairnCMS TARGET in a container, made the same way beside cd-pgsql (same image, same bind mounts, the
# container's command `bootstrap && start`) but only bootstrapped (no content): its own database and role cdt_lab on the
# host's PostgreSQL, its own volume panel-lab-cdt-pgsql-uploads, port 18194, owner dftarget (the host targets' user: its
# work directory is not the source's), its own KEY and SECRET. A test that needs it to carry cd-pgsql's KEY and SECRET
# writes them into its .env and runs its bin/start (which recreates the container from it); a reset rebuilds it.
# Properties: cairn.cd-pgsql.* (and cairn.cdt-pgsql.*, role target, no content lines) as for the host instances, with .deployment=docker, .container, .envfile, .volume,
# .path the working directory inside the container (/cairncms). cd-pgsql is not in cairn.sources (tests on the host
# sources are unchanged).
#   lab.sh cairn-docker-up   (re)build both (the lab, its dockerd and the CairnCMS part must be up); also run by up
#   lab.sh reset cd-pgsql    rebuild cd-pgsql alone; lab.sh reset cdt-pgsql: cdt-pgsql alone
# Time: ~25-35 s on 2 cores for cd-pgsql (bootstrap in the container ~10 s, populate ~5 s), ~15 s for cdt-pgsql
# (bootstrap only); no image is built.

CAIRN_DOCKER_INSTANCES=(cd-pgsql cdt-pgsql)
CAIRN_DOCKER_APP=/cairncms

cairn_docker_known() { local i; for i in "${CAIRN_DOCKER_INSTANCES[@]}"; do [[ $1 == "$i" ]] && return 0; done; return 1; }
cairn_docker_container() { echo "panel-lab-$1"; }
cairn_docker_volume() { echo "panel-lab-$1-uploads"; }
cairn_docker_port() { case $1 in cd-pgsql) echo 18184 ;; cdt-pgsql) echo 18194 ;; esac; }
cairn_docker_db() { local n=${1%-pgsql}; echo "${n//-/_}_lab"; }     # cd_lab, cdt_lab: database and role
cairn_docker_is_source() { [[ $1 == cd-* ]]; }
cairn_docker_owner() { if cairn_docker_is_source "$1"; then echo dflab; else echo dftarget; fi; }
cairn_docker_url() { echo "http://127.0.0.1:$(cairn_docker_port "$1")"; }

# cairn_docker_secrets: its secrets appended to secrets.env once
cairn_docker_secrets() {
    local f=$LAB_DIR/secrets.env name n
    for name in "${CAIRN_DOCKER_INSTANCES[@]}"; do
        n=${name//-/_}
        grep -q "^CAIRN_KEY_$n=" "$f" || echo "CAIRN_KEY_$n=$(cat /proc/sys/kernel/random/uuid)" >>"$f"
        grep -q "^CAIRN_SECRET_$n=" "$f" || echo "CAIRN_SECRET_$n=$(random_secret 48)" >>"$f"
        grep -q "^CAIRN_ADMIN_PASSWORD_$n=" "$f" || echo "CAIRN_ADMIN_PASSWORD_$n=admin-$(random_secret 16)" >>"$f"
        grep -q "^CAIRN_DB_PASSWORD_$n=" "$f" || echo "CAIRN_DB_PASSWORD_$n=$(random_secret 20)" >>"$f"
        grep -q "^CAIRN_EDITOR_PASSWORD_$n=" "$f" || echo "CAIRN_EDITOR_PASSWORD_$n=editor-$(random_secret 16)" >>"$f"
    done
    # shellcheck disable=SC1090
    source "$f"
}

cairn_docker_write_env() { # the environment file the container is created from
    local name=$1 dir
    dir=$(cairn_dir "$name")
    {
        echo "# CairnCMS lab instance $name in container $(cairn_docker_container "$name") (docker run --env-file;"
        echo "# written by src/test/lab/cairncms-docker.sh)"
        echo "KEY=$(cairn_var "$name" KEY)"
        echo "SECRET=$(cairn_var "$name" SECRET)"
        echo "HOST=127.0.0.1"
        echo "PORT=$(cairn_docker_port "$name")"
        echo "PUBLIC_URL=$(cairn_docker_url "$name")"
        echo "SERVE_APP=false"
        echo "DB_CLIENT=pg"
        echo "DB_HOST=127.0.0.1"
        echo "DB_PORT=$PG_PORT"
        echo "DB_DATABASE=$(cairn_docker_db "$name")"
        echo "DB_USER=$(cairn_docker_db "$name")"
        echo "DB_PASSWORD=$(cairn_var "$name" DB_PASSWORD)"
        echo "ADMIN_EMAIL=$CAIRN_ADMIN_EMAIL"
        echo "ADMIN_PASSWORD=$(cairn_var "$name" ADMIN_PASSWORD)"
        echo "STORAGE_LOCATIONS=local"
        echo "STORAGE_LOCAL_DRIVER=local"
        echo "STORAGE_LOCAL_ROOT=./uploads"
    } >"$dir/.env"
}

cairn_docker_write_scripts() {
    local name=$1 dir c port
    dir=$(cairn_dir "$name")
    c=$(cairn_docker_container "$name")
    port=$(cairn_docker_port "$name")
    cat >"$dir/bin/start" <<SCRIPT
#!/bin/bash
# Recreates container $c of lab instance $name from $dir/.env (docker run --env-file: the container's environment
# is CairnCMS's settings), running the image's \`cairncms bootstrap && cairncms start\`, then waits 90 s at most for
# /server/ping on 127.0.0.1:$port; exit 1 with the container's log when it exits. Written by src/test/lab/cairncms-docker.sh.
set -u
D="docker -H unix://$DOCKER_SOCK"
\$D rm -f $c >/dev/null 2>&1
\$D run -d --name $c --hostname $c --network host --label panel-lab=1 --env-file $dir/.env \\
    -v $CAIRN_NODE_DIR:$CAIRN_NODE_DIR:ro -v $CAIRN_HOME:$CAIRN_HOME:ro -v $dir/package.json:$CAIRN_DOCKER_APP/package.json:ro \\
    -v $(cairn_docker_volume "$name"):$CAIRN_DOCKER_APP/uploads -w $CAIRN_DOCKER_APP $(docker_image) \\
    sh -c '$CAIRN_CLI bootstrap && exec $CAIRN_CLI start' >/dev/null || exit 1
pong() {
    local answer
    answer=\$(exec 2>/dev/null; exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
        printf 'GET /server/ping HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n' "$port" >&3; timeout 5 cat <&3)
    [[ \$answer == *\$'\r\n\r\n'pong ]]
}
for ((i = 0; i < 450; i++)); do
    if pong; then echo "cairncms $name: started in $c (http://127.0.0.1:$port)"; exit 0; fi
    if [[ \$(\$D inspect -f '{{.State.Running}}' $c 2>/dev/null) != true ]]; then
        echo "cairncms $name: the container exited; its log's end:" >&2; \$D logs --tail 20 $c >&2; exit 1
    fi
    sleep 0.2
done
echo "cairncms $name: no answer on http://127.0.0.1:$port/server/ping after 90 s" >&2
exit 1
SCRIPT
    cat >"$dir/bin/stop" <<SCRIPT
#!/bin/bash
# Stops container $c of lab instance $name (docker stop; exit 0 also when it is not running).
docker -H unix://$DOCKER_SOCK stop $c >/dev/null 2>&1 || true
echo "cairncms $name: stopped"
SCRIPT
    chmod 755 "$dir/bin/start" "$dir/bin/stop"
}

# cairn_docker_build NAME: container, volume, database and host directory anew; started; a source populated
cairn_docker_build() {
    local name=$1 dir c out content missing owner db started=$SECONDS
    dir=$(cairn_dir "$name")
    c=$(cairn_docker_container "$name")
    owner=$(cairn_docker_owner "$name")
    db=$(cairn_docker_db "$name")
    log "cairncms instance $name in container $c (pg, port $(cairn_docker_port "$name"), env file $dir/.env)"
    lab_docker rm -f "$c" >/dev/null 2>&1 || true
    lab_docker volume rm -f "$(cairn_docker_volume "$name")" >/dev/null 2>&1 || true
    create_pg_database "$db" "$db" "$(cairn_var "$name" DB_PASSWORD)"
    pg_super -c "REVOKE CONNECT, TEMPORARY ON DATABASE $db FROM PUBLIC"
    rm -rf "$dir"
    install -d -o "$owner" -g "$owner" -m 750 "$dir"
    install -d -o "$owner" -g "$owner" -m 755 "$dir/bin"
    echo '{"name":"site","private":true}' >"$dir/package.json"
    chmod 644 "$dir/package.json"
    cairn_docker_write_env "$name"
    cairn_docker_write_scripts "$name"
    chown "$owner:$owner" "$dir/package.json" "$dir/.env" "$dir/bin/start" "$dir/bin/stop"
    chmod 600 "$dir/.env"
    lab_docker volume create "$(cairn_docker_volume "$name")" >/dev/null
    as_user "$owner" "$dir/bin/start" >&2 || die "the CairnCMS container of $name does not start"
    if ! cairn_docker_is_source "$name"; then
        log "cairncms: $name built and started (bootstrapped only) in $((SECONDS - started))s"
        return 0
    fi
    out=$LAB_DIR/cairn/populate-$name.log
    content=$LAB_DIR/cairn/$name.content
    CAIRN_NAME=$name CAIRN_URL=$(cairn_docker_url "$name") CAIRN_ADMIN_EMAIL=$CAIRN_ADMIN_EMAIL \
        CAIRN_ADMIN_PASSWORD=$(cairn_var "$name" ADMIN_PASSWORD) CAIRN_EDITOR_EMAIL=$CAIRN_EDITOR_EMAIL \
        CAIRN_EDITOR_PASSWORD=$(cairn_var "$name" EDITOR_PASSWORD) CAIRN_STORAGE_ROOTS="local=$CAIRN_DOCKER_APP/uploads" \
        CAIRN_BINARY_STORAGE=local "$CAIRN_NODE" "$ASSETS/cairncms-populate.mjs" >"$content.tmp" 2>"$out" \
        || die "populating $name failed: $(tail -n 20 "$out")"
    missing=$(sed -n "s/^cairn\.$name\.content\.files\.missing\.path=//p" "$content.tmp")
    [[ $missing == "$CAIRN_DOCKER_APP/uploads/"* ]] || die "populating $name: no file to lose ($missing)"
    lab_docker exec "$c" rm "$missing" || die "populating $name: $missing could not be removed in $c"
    mv "$content.tmp" "$content"
    log "cairncms: $name built, started and populated in $((SECONDS - started))s"
}

cairn_docker_up() { # cairn_docker_up [NAME]: every instance, or the one named
    local name
    docker_start
    docker_build_image
    [[ -f $CAIRN_HOME/cli.js && -x $CAIRN_NODE ]] || die "CairnCMS is not installed in $CAIRN_HOME (the CairnCMS part first)"
    install -d -m 700 "$LAB_DIR/cairn"
    cairn_docker_secrets
    for name in "${CAIRN_DOCKER_INSTANCES[@]}"; do
        [[ -z ${1:-} || $1 == "$name" ]] && cairn_docker_build "$name"
    done
    return 0
}

cairn_docker_properties() { # the cairn.cd-*.* lines (called by cairn_properties)
    local name p dir
    for name in "${CAIRN_DOCKER_INSTANCES[@]}"; do
        p=cairn.$name
        dir=$(cairn_dir "$name")
        [[ -f $dir/.env ]] || continue
        echo "$p.path=$CAIRN_DOCKER_APP"
        echo "$p.owner=$(cairn_docker_owner "$name")"
        if cairn_docker_is_source "$name"; then echo "$p.role=source"; else echo "$p.role=target"; fi
        echo "$p.version=$CAIRN_VERSION"
        echo "$p.deployment=docker"
        echo "$p.container=$(cairn_docker_container "$name")"
        echo "$p.envfile=$dir/.env"
        echo "$p.volume=$(cairn_docker_volume "$name")"
        echo "$p.db.client=pg"
        echo "$p.db.host=127.0.0.1"
        echo "$p.db.port=$PG_PORT"
        echo "$p.db.database=$(cairn_docker_db "$name")"
        echo "$p.db.user=$(cairn_docker_db "$name")"
        echo "$p.db.password=$(cairn_var "$name" DB_PASSWORD)"
        echo "$p.key=$(cairn_var "$name" KEY)"
        echo "$p.secret=$(cairn_var "$name" SECRET)"
        echo "$p.port=$(cairn_docker_port "$name")"
        echo "$p.app.url=$(cairn_docker_url "$name")"
        echo "$p.admin.email=$CAIRN_ADMIN_EMAIL"
        echo "$p.admin.password=$(cairn_var "$name" ADMIN_PASSWORD)"
        echo "$p.start=$dir/bin/start"
        echo "$p.stop=$dir/bin/stop"
        echo "$p.cli=$CAIRN_CLI"
        echo "$p.storage.locations=local"
        echo "$p.storage.local.driver=local"
        echo "$p.storage.local.root=$CAIRN_DOCKER_APP/uploads"
        echo "$p.editor.email=$CAIRN_EDITOR_EMAIL"
        echo "$p.editor.password=$(cairn_var "$name" EDITOR_PASSWORD)"
        [[ -s $LAB_DIR/cairn/$name.content ]] && cat "$LAB_DIR/cairn/$name.content"
    done
    return 0
}

cmd_cairn_docker_up() { # cmd_cairn_docker_up [NAME]: every CairnCMS container, or the one named (lab.sh reset NAME)
    [[ $(id -u) -eq 0 ]] || die "run as root"
    [[ -s $PROPS && -s $LAB_DIR/secrets.env ]] || die "the lab is not up ($PROPS missing); run: src/test/lab/lab.sh up"
    exec 8>"$LAB_DIR/cairn-docker.lock"
    flock -w 300 8 || die "another CairnCMS-in-Docker build is still running"
    start_databases
    load_secrets
    cairn_secrets
    cairn_docker_up "${1:-}"
    cairn_replace_properties
    echo "cairncms docker lab up"
}
