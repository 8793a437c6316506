# The test lab's Docker part (sourced by lab.sh): a dockerd of the lab's own, a base image built locally, and
# DreamFactory-shaped installs living inside containers, for the panel's "Docker container" deployment type.
# Uses lab.sh's helpers and settings: log, die, as_user, close_inherited_fds, create_instance_database,
# write_env, instance_*, ORIGIN, LAB_ROOT, LAB_USERS, PROPS, OLD_VERSION, NEW_VERSION.
#
#   lab.sh docker-up     start the lab's dockerd, build (or reuse) the base image, (re)build the container
#                        instances and put their properties in lab.properties (the rest of the lab must be up)
#   lab.sh docker-down   remove the lab's containers and stop its dockerd (its data root is kept)
#   lab.sh reset NAME    NAME dk-mariadb, dk-sqlite or dkt-mariadb: that install and its database anew (~10 s)
#   `lab.sh up` runs docker-up; `lab.sh down` runs docker-down.
#
# The daemon: Debian's docker.io, started as
#   dockerd --data-root $LAB_DOCKER_DIR/data --exec-root $LAB_DOCKER_DIR/exec --pidfile $LAB_DOCKER_DIR/docker.pid
#           --host unix://$LAB_DOCKER_DIR/run/docker.sock --group docker
#           --storage-driver overlay2|vfs --iptables=false --bridge=none
# (overlay2 where the kernel mounts overlayfs on the data root's file system, as it does here: a new container
# then takes ~0.1 s where vfs, which copies the whole image for each, takes ~2 s; vfs elsewhere, or as
# LAB_DOCKER_STORAGE_DRIVER=vfs says), so it never touches the machine's own Docker (no default socket, no /var/lib/docker, no iptables rules, no
# bridge; containers use --network host). Its directory is beside LAB_DIR, not in it: LAB_DIR is root's alone
# (chmod -R go-rwx), while the lab's SSH users must reach the socket (group docker), and that chmod must not walk
# the containers' file systems.
#
# How the lab's SSH users (dflab, dftarget) reach it: each is in group docker and has a Docker CLI context
# "panel-lab" in ~/.docker, made current (`docker context use`), so a plain `docker exec …` over SSH — what the
# panel runs — talks to the lab's daemon. A context, not DOCKER_HOST: sshd gives non-interactive sessions no
# profile, SetEnv would mean editing the shared sshd's configuration, and a wrapper on PATH would have to shadow
# the machine's docker binary; a context is also how a real rootless Docker is reached (`docker context use
# rootless`).
#
# The image: no registry is reachable here, so the base image is a debootstrap'd Debian (the suite and mirror
# apt uses) with what the DreamFactory installs need (PHP CLI and its MySQL/PostgreSQL/SQLite drivers,
# composer, git, the MariaDB, PostgreSQL and SQLite clients), imported with `docker import`. The root file
# system's tarball is cached in /var/cache/panel-lab (named after a hash of suite, mirror and packages), so
# only the first build downloads (~2 min); later ones import it, and a daemon that has the image skips even that.
#
# Instances (files in /opt/dreamfactory inside the container, their database on the host's MariaDB, reached
# through the host network, or a SQLite file inside the container; the origin is bind-mounted read-only at the same path, so git works as on a host):
#   dk-mariadb    container panel-lab-dk-mariadb, 7.0.0, populated, database/user dk_lab, reached as dflab,
#                 app on http://127.0.0.1:18084
#   dk-sqlite     container panel-lab-dk-sqlite, 7.0.0, populated, its SQLite file inside the container
#                 (storage/databases/dreamfactory.sqlite), reached as dflab, app on http://127.0.0.1:18085
#   dkt-mariadb   container panel-lab-dkt-mariadb, 7.1.0, a fresh install, database/user dkt_lab, reached as
#                 dftarget, app on http://127.0.0.1:18094
# Properties: instance.NAME.* as for the other instances, with .deployment=docker, .container=NAME of the
# container and .path the path inside it; docker.host, docker.image.

LAB_DOCKER_DIR=${LAB_DOCKER_DIR:-/var/tmp/panel-lab-docker}
DOCKER_SOCK=$LAB_DOCKER_DIR/run/docker.sock
DOCKER_PIDFILE=$LAB_DOCKER_DIR/docker.pid
DOCKER_LOG=$LAB_DOCKER_DIR/dockerd.log
DOCKER_CACHE=/var/cache/panel-lab
DOCKER_SUITE=bookworm
DOCKER_IMAGE_PACKAGES=(php-cli php-mysql php-pgsql php-sqlite3 composer sqlite3 git zstd mariadb-client
                       postgresql-client rsync)
DOCKER_INSTANCES=(dk-mariadb dk-sqlite dkt-mariadb)
DOCKER_INSTALL_PATH=/opt/dreamfactory
DOCKER_CONTEXT=panel-lab
DK_DB_NAME=dk_lab
DK_DB_USER=dk_lab
DKT_DB_NAME=dkt_lab
DKT_DB_USER=dkt_lab

docker_known() { local i; for i in "${DOCKER_INSTANCES[@]}"; do [[ $1 == "$i" ]] && return 0; done; return 1; }
docker_container() { echo "panel-lab-$1"; }

# lab_docker ARGS...: the docker CLI against the lab's daemon only (-H wins over DOCKER_HOST and contexts)
lab_docker() { docker -H "unix://$DOCKER_SOCK" "$@"; }

docker_install_packages() {
    local missing=() p
    for p in docker.io debootstrap; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    if ((${#missing[@]})); then
        log "installing missing packages: ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2 \
            || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2; }
    fi
}

docker_pid() { # the lab dockerd's pid while it runs
    local p
    [[ -s $DOCKER_PIDFILE ]] || return 1
    p=$(<"$DOCKER_PIDFILE")
    [[ $p =~ ^[0-9]+$ && -e /proc/$p ]] && echo "$p"
}

# docker_storage_driver: overlay2 when an overlay mount works in the daemon's directory, else vfs
docker_storage_driver() {
    if [[ -n ${LAB_DOCKER_STORAGE_DRIVER:-} ]]; then echo "$LAB_DOCKER_STORAGE_DRIVER"; return; fi
    local probe=$LAB_DOCKER_DIR/overlay-probe driver=vfs
    rm -rf "$probe"
    mkdir -p "$probe"/{lower,upper,work,merged}
    if mount -t overlay overlay -o "lowerdir=$probe/lower,upperdir=$probe/upper,workdir=$probe/work" \
        "$probe/merged" 2>/dev/null; then
        umount "$probe/merged"
        driver=overlay2
    fi
    rm -rf "$probe"
    echo "$driver"
}

docker_start() {
    if [[ -n $(docker_pid) ]] && lab_docker version >/dev/null 2>&1; then
        return 0
    fi
    install -d -m 711 "$LAB_DOCKER_DIR"
    install -d -m 750 -o root -g docker "$LAB_DOCKER_DIR/run"
    local driver
    driver=$(docker_storage_driver)
    log "starting the lab's dockerd (socket $DOCKER_SOCK, storage driver $driver)"
    (close_inherited_fds && exec setsid dockerd --data-root "$LAB_DOCKER_DIR/data" --exec-root "$LAB_DOCKER_DIR/exec" \
        --pidfile "$DOCKER_PIDFILE" --host "unix://$DOCKER_SOCK" --group docker --storage-driver "$driver" \
        --iptables=false --ip-masq=false --bridge=none >>"$DOCKER_LOG" 2>&1 </dev/null) &
    local i
    for ((i = 0; i < 150; i++)); do
        lab_docker version >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    die "the lab's dockerd does not answer on $DOCKER_SOCK: $(tail -n 5 "$DOCKER_LOG")"
}

docker_stop() {
    local pid i
    pid=$(docker_pid) || true
    [[ -n $pid ]] || return 0
    lab_docker rm -f $(lab_docker ps -aq --filter name=panel-lab-) >/dev/null 2>&1 || true
    log "stopping the lab's dockerd (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do [[ -e /proc/$pid ]] || break; sleep 0.2; done
    if [[ -e /proc/$pid ]]; then kill -9 "$pid" 2>/dev/null || true; fi
    rm -f "$DOCKER_PIDFILE"
}

# docker_mirror: the Debian mirror apt uses for the suite (deb822 sources first, then sources.list)
docker_mirror() {
    local uri
    uri=$(awk -v s="$DOCKER_SUITE" 'BEGIN { RS = ""; FS = "\n" }
        { u = ""; ok = 0
          for (i = 1; i <= NF; i++) {
            if ($i ~ /^URIs:/) { split($i, a, /[ \t]+/); u = a[2] }
            if ($i ~ /^Suites:/ && (" " $i " ") ~ (" " s " ")) ok = 1 }
          if (ok && u !~ /security/) { print u; exit } }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
    [[ -n $uri ]] || uri=$(awk -v s="$DOCKER_SUITE" '$1 == "deb" && $3 == s { print $2; exit }' \
        /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
    echo "${uri:-http://deb.debian.org/debian}"
}

docker_image_tag() {
    printf '%s\n' "$DOCKER_SUITE" "$(docker_mirror)" "${DOCKER_IMAGE_PACKAGES[@]}" | sha256sum | cut -c1-12
}
docker_image() { echo "panel-lab/dreamfactory-base:$DOCKER_SUITE-$(docker_image_tag)"; }

# docker_rootfs_tarball ROOT TARBALL: the debootstrap'd ROOT, without what an image needs not (apt's downloads
# and lists, documentation, translations: every container of the vfs driver is a full copy), as TARBALL
docker_rootfs_tarball() {
    local root=$1 tarball=$2
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
        "$root"/usr/share/man/* "$root"/usr/share/locale/* "$root"/dev/* "$root"/proc/* "$root"/sys/*
    install -d -m 755 "$DOCKER_CACHE"
    tar -C "$root" --numeric-owner -cf - . | gzip -1 >"$tarball.tmp"
    mv "$tarball.tmp" "$tarball"
}

# docker_build_image: the base image, from the daemon, else from the cached tarball, else debootstrap'd
docker_build_image() {
    local image tarball
    image=$(docker_image)
    lab_docker image inspect "$image" >/dev/null 2>&1 && return 0
    tarball=$DOCKER_CACHE/dreamfactory-base-$DOCKER_SUITE-$(docker_image_tag).tar.gz
    if [[ ! -s $tarball ]]; then
        local root mirror
        mirror=$(docker_mirror)
        root=$(mktemp -d /var/tmp/panel-lab-rootfs.XXXXXX)
        log "debootstrap $DOCKER_SUITE from $mirror with ${DOCKER_IMAGE_PACKAGES[*]} (once; cached in $DOCKER_CACHE)"
        local packages="${DOCKER_IMAGE_PACKAGES[*]}"
        debootstrap --variant=minbase --include="${packages// /,}" "$DOCKER_SUITE" "$root" "$mirror" \
            >"$LAB_DOCKER_DIR/debootstrap.log" 2>&1 \
            || { rm -rf "$root"; die "debootstrap failed: $(tail -n 5 "$LAB_DOCKER_DIR/debootstrap.log")"; }
        docker_rootfs_tarball "$root" "$tarball"
        rm -rf "$root"
    fi
    log "importing $tarball as $image"
    lab_docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' "$tarball" "$image" >/dev/null
}

# docker_users: the lab's SSH users run `docker` against the lab's daemon (see the top of this file)
docker_users() {
    local u
    for u in "${LAB_USERS[@]}"; do
        usermod -a -G docker "$u"
        (cd "/home/$u" && as_user "$u" sh -c "docker context rm -f $DOCKER_CONTEXT >/dev/null 2>&1;
            docker context create $DOCKER_CONTEXT --description 'the panel lab dockerd' --docker host=unix://$DOCKER_SOCK >/dev/null 2>&1 \
            && docker context use $DOCKER_CONTEXT >/dev/null 2>&1") || die "cannot give $u the docker context $DOCKER_CONTEXT"
    done
}

# docker_exec NAME SCRIPT: a shell script run as root in the instance's container, in the install
docker_exec() { lab_docker exec -i -e COMPOSER_ALLOW_SUPERUSER=1 "$(docker_container "$1")" sh -euc "$2"; }

# docker_setup_instance NAME: its container anew (the old one removed), the install cloned inside at its
# version with its .env, composer-installed, migrated, seeded, populated (but the fresh dkt-*), app started;
# its database must exist and be empty
docker_setup_instance() {
    local name=$1 c version
    c=$(docker_container "$name")
    version=$(instance_version "$name")
    log "container instance $c:$DOCKER_INSTALL_PATH ($name, $version)"
    local d=$DOCKER_INSTALL_PATH
    # a running container of the current image is kept (the vfs driver copies the whole image for a new one,
    # ~10 s): its app stopped, its install removed; else the container is made anew
    if [[ $(lab_docker inspect -f '{{.State.Running}} {{.Config.Image}}' "$c" 2>/dev/null) == "true $(docker_image)" ]]; then
        docker_exec "$name" 'for p in /proc/[0-9]*; do
                case "$(tr "\0" " " <"$p/cmdline" 2>/dev/null)" in "php -S "*) kill "${p#/proc/}" ;; esac
            done
            rm -rf '"$d"
        local i
        for ((i = 0; i < 50; i++)); do port_open "$(instance_web_port "$name")" || break; sleep 0.1; done
    else
        lab_docker rm -f "$c" >/dev/null 2>&1 || true
        lab_docker run -d --name "$c" --hostname "$c" --network host --label panel-lab=1 \
            -v "$(dirname "$ORIGIN"):$(dirname "$ORIGIN"):ro" "$(docker_image)" sleep infinity >/dev/null
    fi
    docker_exec "$name" "git clone -q '$ORIGIN' $d && cd $d && git reset -q --hard '$version'
        git branch -q --set-upstream-to=origin/master master
        mkdir -p storage/logs storage/framework/cache/data storage/framework/sessions storage/framework/views \
            storage/databases bootstrap/cache public"
    local env
    env=$(mktemp)
    write_env "$name" "$d" "$env"
    lab_docker cp "$env" "$c:$d/.env"
    rm -f "$env"
    local setup_log=$LAB_DIR/migrate-$name.log
    docker_exec "$name" "cd $d && chmod 640 .env
        [ \"\$(sed -n 's/^DB_CONNECTION=//p' .env)\" != sqlite ] || touch storage/databases/dreamfactory.sqlite
        composer install --no-dev --ignore-platform-reqs --no-interaction --no-progress -q
        php artisan migrate --seed --force
        if [ $(instance_populated "$name" && echo 1 || echo 0) = 1 ]; then php artisan lab:populate; fi
        test -z \"\$(git status --porcelain)\"" >"$setup_log" 2>&1 \
        || die "setting up $name in its container failed: $(tail -n 5 "$setup_log")"
    local port
    port=$(instance_web_port "$name")
    lab_docker exec -d -w "$d" "$c" php -S "127.0.0.1:$port" -t "$d/public" "$d/public/index.php"
    wait_port "$port" "the web server of $name (in $c)" 20
}

docker_properties() {
    local name
    echo "docker.host=unix://$DOCKER_SOCK"
    echo "docker.image=$(docker_image)"
    for name in "${DOCKER_INSTANCES[@]}"; do
        instance_properties "$name"
        echo "instance.$name.deployment=docker"
        echo "instance.$name.container=$(docker_container "$name")"
    done
}

docker_replace_properties() { # the docker.* and container instances' lines of lab.properties replaced
    local tmp pattern
    lock_properties
    pattern=$(IFS='|'; echo "${DOCKER_INSTANCES[*]}")
    tmp=$(mktemp "$PROPS.XXXXXX")
    { grep -Ev "^(docker\.|instance\.($pattern)\.)" "$PROPS" || true; docker_properties; } >"$tmp"
    chmod 600 "$tmp"
    mv "$tmp" "$PROPS"
}

# docker_up: everything of the Docker part; lab.sh up calls it before writing lab.properties
docker_up() {
    local started=$SECONDS name
    docker_install_packages
    docker_start
    docker_build_image
    docker_users
    for name in "${DOCKER_INSTANCES[@]}"; do
        create_instance_database "$name"
        docker_setup_instance "$name"
    done
    log "docker part up in $((SECONDS - started))s"
}

cmd_docker_up() {
    [[ $(id -u) -eq 0 ]] || die "run as root"
    [[ -s $PROPS && -s $LAB_DIR/secrets.env ]] || die "the lab is not up ($PROPS missing); run: src/test/lab/lab.sh up"
    start_databases
    load_secrets
    docker_up
    docker_replace_properties
    echo "docker lab up"
}

cmd_docker_down() {
    [[ $(id -u) -eq 0 ]] || die "run as root"
    docker_stop
    echo "docker lab down"
}

# cmd_docker_reset NAME: one container instance anew, with its database
cmd_docker_reset() {
    local name=$1 started=$SECONDS
    [[ -s $PROPS && -s $LAB_DIR/secrets.env ]] || die "the lab is not up ($PROPS missing); run: src/test/lab/lab.sh up"
    exec 9>"$LAB_DIR/reset-$name.lock"
    flock -w 120 9 || die "another reset of $name is still running"
    start_databases
    source "$LAB_DIR/secrets.env"
    docker_start
    docker_build_image
    create_instance_database "$name"
    docker_setup_instance "$name"
    log "container instance $name reset to $(instance_version "$name") in $((SECONDS - started))s"
    echo "instance $name reset"
}
