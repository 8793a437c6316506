#!/usr/bin/python3
"""A STAND-IN for the Fief 0.28 server and its CLI, for the panel's lab (Fief itself is on neither Debian nor the npm
registry, so it cannot be installed here). It does to the database what Fief 0.28 does, as read in Fief's sources, and
no more:

  serve              on start-up, like `fief run-server`: refuses an ENCRYPTION_KEY that is not a Fernet key (Fief's
                     settings validator); runs the main alembic tree on the main database, whose version table is
                     <prefix>alembic_version: from 6c06c7d908a7 (the workspace tree's last revision, which 0.28's tree
                     starts from) to 6d9fa141730c (creates <prefix>admin_api_key and <prefix>admin_session_tokens);
                     initialises the admin role as Fief's Initializer does (permission "fief:admin" named "Fief
                     Administrator", role "Administrator" holding it); then answers GET /.well-known/openid-configuration
                     (the default tenant's) and GET /api/health on 127.0.0.1:PORT.
  grant-admin-role EMAIL   like `fief grant-admin-role`: the admin role initialised if missing, the user of that e-mail
                     in the default tenant given the role (a <prefix>user_roles row) and its permissions (one
                     <prefix>user_permissions row per permission, from_role_id set), exit 1 "User does not exist"
                     otherwise.

  run-server-0.27    the Fief 0.27 server a rollback starts again, as far as the panel can tell it apart: refuses
                     to start unless the main database has the pre-0.28 layout (a workspaces table, no
                     <prefix>alembic_version) and every workspace on the main server has its <prefix>alembic_version at
                     6c06c7d908a7 in its own place (PostgreSQL schema, MySQL database, SQLite file named after its id);
                     never upgrades anything; then answers GET /.well-known/openid-configuration (the first workspace's
                     default tenant) and GET /api/health like 0.28's stand-in.

Not simulated: a fresh install (no <prefix>alembic_version: the stand-in refuses to start), the default client, theme
and e-mail templates the real initializer refreshes, the worker, the admin UI. It reaches the DB through the vendor's
command-line client (psql, mariadb, sqlite3); SQLite through Python's sqlite3 module where there is no sqlite3 command
(the lab's Docker image has none, as Fief's own image: python:3.x-slim plus pip). Settings are read from the .env file given with --env, with Fief's names,
else from ./.env, else (in a container, as Fief's Docker image does) from the process environment.
"""
import base64
import binascii
import datetime
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer

OLD_REVISION = "6c06c7d908a7"
NEW_REVISION = "6d9fa141730c"
ADMIN_CODENAME = "fief:admin"
ADMIN_PERMISSION_NAME = "Fief Administrator"
ADMIN_ROLE_NAME = "Administrator"


def read_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            k, v = line.split("=", 1)
            env[k.strip()] = v.strip().strip('"').strip("'")
    return env


class Db:
    def __init__(self, env):
        self.type = env.get("DATABASE_TYPE", "SQLITE").upper()
        self.env = env
        if self.type == "SQLITE":
            self.path = os.path.join(env.get("DATABASE_LOCATION", os.getcwd()), env.get("DATABASE_NAME", "fief.db"))
            if not os.path.exists(self.path):
                raise SystemExit("fief: the database file %s does not exist" % self.path)

    def q(self, name):
        return "`%s`" % name if self.type == "MYSQL" else '"%s"' % name

    def run(self, sql):
        e = self.env
        env = dict(os.environ)
        if self.type == "POSTGRESQL":
            env["PGPASSWORD"] = e.get("DATABASE_PASSWORD", "")
            cmd = ["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-h", e.get("DATABASE_HOST", "127.0.0.1"),
                   "-p", e.get("DATABASE_PORT", "5432"), "-U", e.get("DATABASE_USERNAME", ""), "-d", e.get("DATABASE_NAME", "")]
        elif self.type == "MYSQL":
            env["MYSQL_PWD"] = e.get("DATABASE_PASSWORD", "")
            cmd = ["mariadb", "-N", "-B", "-h", e.get("DATABASE_HOST", "127.0.0.1"), "-P", e.get("DATABASE_PORT", "3306"),
                   "-u", e.get("DATABASE_USERNAME", ""), e.get("DATABASE_NAME", "")]
        elif shutil.which("sqlite3") is None:
            return self.run_module(sql)
        else:
            cmd = ["sqlite3", "-batch", "-noheader", "-separator", "\t", "-bail", self.path]
        r = subprocess.run(cmd, input=sql, capture_output=True, text=True, env=env)
        if r.returncode != 0:
            raise SystemExit("fief: database error: " + r.stderr.strip())
        return [line.split("\t") for line in r.stdout.splitlines() if line != ""]

    def run_module(self, sql):
        """SQLite with Python's module, as the sqlite3 command would: statement by statement (the script's own BEGIN and
        COMMIT), stopping at the first error (an open transaction rolled back), each row's values as text, NULL empty."""
        conn = sqlite3.connect(self.path, isolation_level=None)
        rows, statement = [], ""
        try:
            for ch in sql + ";":
                statement += ch
                if ch == ";" and sqlite3.complete_statement(statement):
                    if statement.strip(" \t\r\n;"):
                        for row in conn.execute(statement):
                            rows.append(["" if v is None else str(v) for v in row])
                    statement = ""
        except sqlite3.Error as e:
            raise SystemExit("fief: database error: " + str(e))
        finally:
            conn.close()
        return rows

    def tables(self):
        if self.type == "POSTGRESQL":
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public';"
        elif self.type == "MYSQL":
            sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE();"
        else:
            sql = "SELECT name FROM sqlite_master WHERE type = 'table';"
        return {row[0] for row in self.run(sql)}

    def now(self):
        return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")

    def lit(self, value):
        if value is None:
            return "NULL"
        if value is True or value is False:
            return ("true" if value else "false") if self.type == "POSTGRESQL" else ("1" if value else "0")
        return "'" + str(value).replace("'", "''") + "'"

    def begin(self):
        return "BEGIN;" if self.type != "MYSQL" else "START TRANSACTION;"


def prefix(env):
    return env.get("DATABASE_TABLE_PREFIX", "fief_")


def check_key(env):
    key = env.get("ENCRYPTION_KEY", "")
    try:
        ok = len(base64.urlsafe_b64decode(key.encode())) == 32
    except (binascii.Error, ValueError):
        ok = False
    if not ok:
        raise SystemExit("fief: InvalidEncryptionKeyError: ENCRYPTION_KEY is not a valid Fernet key")


def upgrade(db, p):
    tables = db.tables()
    if p + "alembic_version" not in tables:
        raise SystemExit("fief (stand-in): no %salembic_version in the main database: a fresh install is not simulated "
                         "(were the workspace's tables moved?)" % p)
    rev = db.run("SELECT version_num FROM %s;" % db.q(p + "alembic_version"))
    rev = rev[0][0] if rev else None
    if rev == NEW_REVISION:
        print("fief: database at %s (head)" % rev, flush=True)
        return
    if rev != OLD_REVISION:
        raise SystemExit("fief: Can't locate revision identified by '%s'" % rev)
    guid = "UUID" if db.type == "POSTGRESQL" else "CHAR(36)"
    ts = "TIMESTAMP WITH TIME ZONE" if db.type == "POSTGRESQL" else "TIMESTAMP"
    now = "now()" if db.type == "POSTGRESQL" else "CURRENT_TIMESTAMP"
    engine = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci" if db.type == "MYSQL" else ""
    sql = [db.begin()]
    for table, cols in [("admin_api_key", [("name", "VARCHAR(255)"), ("token", "VARCHAR(255)")]),
                        ("admin_session_tokens", [("token", "VARCHAR(255)"), ("raw_tokens", "TEXT"), ("raw_userinfo", "TEXT")])]:
        t = p + table
        defs = ["%s %s NOT NULL" % (db.q(c), k) for c, k in cols]
        defs += ["%s %s NOT NULL" % (db.q("id"), guid), "%s %s NOT NULL DEFAULT %s" % (db.q("created_at"), ts, now),
                 "%s %s NOT NULL DEFAULT %s" % (db.q("updated_at"), ts, now), "PRIMARY KEY (%s)" % db.q("id"),
                 "UNIQUE (%s)" % db.q("token")]
        sql.append("CREATE TABLE %s (%s)%s;" % (db.q(t), ", ".join(defs), engine))
        for c in ("created_at", "updated_at"):
            sql.append("CREATE INDEX %s ON %s (%s);" % (db.q("ix_" + t + "_" + c), db.q(t), db.q(c)))
    sql.append("UPDATE %s SET version_num = '%s' WHERE version_num = '%s';" % (db.q(p + "alembic_version"), NEW_REVISION, OLD_REVISION))
    sql.append("COMMIT;")
    db.run("\n".join(sql))
    print("fief: Running upgrade %s -> %s, Add AdminSessionToken and AdminAPIKey models" % (OLD_REVISION, NEW_REVISION), flush=True)


def init_admin_role(db, p):
    found = db.run("SELECT id FROM %s WHERE codename = %s;" % (db.q(p + "permissions"), db.lit(ADMIN_CODENAME)))
    if found:
        return
    perm, role, now = str(uuid.uuid4()), str(uuid.uuid4()), db.now()
    db.run("\n".join([
        db.begin(),
        "INSERT INTO %s (id, created_at, updated_at, name, codename) VALUES (%s, %s, %s, %s, %s);" % (
            db.q(p + "permissions"), db.lit(perm), db.lit(now), db.lit(now), db.lit(ADMIN_PERMISSION_NAME), db.lit(ADMIN_CODENAME)),
        "INSERT INTO %s (id, created_at, updated_at, name, granted_by_default) VALUES (%s, %s, %s, %s, %s);" % (
            db.q(p + "roles"), db.lit(role), db.lit(now), db.lit(now), db.lit(ADMIN_ROLE_NAME), db.lit(False)),
        "INSERT INTO %s (role_id, permission_id) VALUES (%s, %s);" % (db.q(p + "roles_permissions"), db.lit(role), db.lit(perm)),
        "COMMIT;"]))
    print("fief: admin role initialised", flush=True)


def grant_admin_role(env, email):
    db, p = Db(env), prefix(env)
    init_admin_role(db, p)
    tenant = db.run("SELECT id FROM %s WHERE %s = %s;" % (db.q(p + "tenants"), db.q("default"), db.lit(True)))
    if not tenant:
        raise SystemExit("Default tenant does not exist")
    user = db.run("SELECT id FROM %s WHERE email_lower = %s AND tenant_id = %s;" % (
        db.q(p + "users"), db.lit(email.lower()), db.lit(tenant[0][0])))
    if not user:
        print("User does not exist", file=sys.stderr)
        sys.exit(1)
    user_id = user[0][0]
    role_id = db.run("SELECT id FROM %s WHERE name = %s;" % (db.q(p + "roles"), db.lit(ADMIN_ROLE_NAME)))[0][0]
    if db.run("SELECT id FROM %s WHERE user_id = %s AND role_id = %s;" % (db.q(p + "user_roles"), db.lit(user_id), db.lit(role_id))):
        print("The user already has the admin role")
        return
    now = db.now()
    sql = [db.begin(), "INSERT INTO %s (id, created_at, updated_at, user_id, role_id) VALUES (%s, %s, %s, %s, %s);" % (
        db.q(p + "user_roles"), db.lit(str(uuid.uuid4())), db.lit(now), db.lit(now), db.lit(user_id), db.lit(role_id))]
    for (perm_id,) in db.run("SELECT permission_id FROM %s WHERE role_id = %s;" % (db.q(p + "roles_permissions"), db.lit(role_id))):
        sql.append("INSERT INTO %s (id, created_at, updated_at, user_id, permission_id, from_role_id) VALUES (%s, %s, %s, %s, %s, %s);" % (
            db.q(p + "user_permissions"), db.lit(str(uuid.uuid4())), db.lit(now), db.lit(now), db.lit(user_id),
            db.lit(perm_id), db.lit(role_id)))
    sql.append("COMMIT;")
    db.run("\n".join(sql))
    print("Admin role granted to %s" % email)


def workspace_place_check(db, p):
    """0.27's layout, or SystemExit: the workspaces table in main, each main-server workspace's tables in their place."""
    tables = db.tables()
    if "workspaces" not in tables or p + "alembic_version" in tables:
        raise SystemExit("fief 0.27 (stand-in): the main database is not in the pre-0.28 layout (workspaces table %s, "
                         "%salembic_version %s): roll the consolidation back first" % (
                             "present" if "workspaces" in tables else "missing", p,
                             "present" if p + "alembic_version" in tables else "absent"))
    rows = db.run("SELECT id, database_type FROM workspaces;")
    if not rows:
        raise SystemExit("fief 0.27 (stand-in): no workspace in the main database")
    first = None
    for ws_id, database_type in rows:
        if database_type not in ("", None, "\\N", "NULL"):
            continue  # on its own server: not the stand-in's to look at
        if db.type == "SQLITE":
            ws_env = dict(db.env)
            ws_env["DATABASE_NAME"] = ws_id
            if not os.path.exists(os.path.join(ws_env.get("DATABASE_LOCATION", os.getcwd()), ws_id)):
                raise SystemExit("fief 0.27 (stand-in): workspace %s has no database file" % ws_id)
            ws_db, table = Db(ws_env), db.q(p + "alembic_version")
        else:
            ws_db, table = db, db.q(ws_id) + "." + db.q(p + "alembic_version")
        try:
            rev = ws_db.run("SELECT version_num FROM %s;" % table)
        except SystemExit:
            raise SystemExit("fief 0.27 (stand-in): workspace %s has no %salembic_version in its place" % (ws_id, p))
        if not rev or rev[0][0] != OLD_REVISION:
            raise SystemExit("fief 0.27 (stand-in): workspace %s is at %s, not %s" % (ws_id, rev[0][0] if rev else None, OLD_REVISION))
        first = first or ws_db
    return first or db


def serve(env, version="0.28"):
    check_key(env)
    db, p = Db(env), prefix(env)
    if version == "0.27":
        db = workspace_place_check(db, p)
        print("fief 0.27 (stand-in): workspaces in place, nothing upgraded", flush=True)
    else:
        upgrade(db, p)
        init_admin_role(db, p)
    port = int(env.get("PORT", "8000"))
    base = "http://127.0.0.1:%d" % port
    tenants = db.q(p + "tenants")
    if version == "0.27" and db.type == "POSTGRESQL":
        ws = db.run("SELECT id FROM workspaces WHERE database_type IS NULL ORDER BY created_at, id;")
        tenants = db.q(ws[0][0]) + "." + tenants
    elif version == "0.27" and db.type == "MYSQL":
        ws = db.run("SELECT id FROM workspaces WHERE database_type IS NULL ORDER BY created_at, id;")
        tenants = db.q(ws[0][0]) + "." + tenants
    slug = db.run("SELECT slug FROM %s WHERE %s = %s;" % (tenants, db.q("default"), db.lit(True)))
    config = {"issuer": base, "authorization_endpoint": base + "/authorize", "token_endpoint": base + "/api/token",
              "userinfo_endpoint": base + "/api/userinfo", "jwks_uri": base + "/.well-known/jwks.json",
              "response_types_supported": ["code"], "subject_types_supported": ["public"],
              "id_token_signing_alg_values_supported": ["RS256"], "fief_tenant": slug[0][0] if slug else None}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/.well-known/openid-configuration":
                body, status = json.dumps(config).encode(), 200
            elif self.path == "/api/health":
                body, status = b'{"status":"ok"}', 200
            else:
                body, status = b'{"detail":"Not Found"}', 404
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt, *args):
            print("fief: " + fmt % args, flush=True)

    # as a container's first process, SIGTERM (docker stop) has no default action: end at once
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = HTTPServer(("127.0.0.1", port), Handler)
    print("fief: serving on %s" % base, flush=True)
    server.serve_forever()


def main():
    args = sys.argv[1:]
    if len(args) >= 2 and args[0] == "--env":
        env = read_env(args[1])
        args = args[2:]
    elif not os.path.exists(os.path.join(os.getcwd(), ".env")) and "DATABASE_TYPE" in os.environ:
        # in its Docker image Fief reads its settings from the process environment (the container's)
        env = dict(os.environ)
    else:
        env = read_env(os.path.join(os.getcwd(), ".env"))
    if args[:1] == ["serve"] or args[:1] == ["run-server"]:
        serve(env)
    elif args[:1] == ["run-server-0.27"]:
        serve(env, "0.27")
    elif args[:1] == ["grant-admin-role"] and len(args) == 2:
        grant_admin_role(env, args[1])
    else:
        print("usage: fief [--env FILE] run-server | run-server-0.27 | grant-admin-role EMAIL", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
