#!/usr/bin/python3
"""Writes the SQL of a Fief-0.27-shaped lab instance (src/test/lab/fief.sh runs it with Debian's python3).

The tables, columns and types are those Fief's own alembic migrations make per vendor: the main tree at its last
pre-0.28 revision (c8cf076d3ffa: workspaces with database_table_prefix) and the workspace tree at 6c06c7d908a7
(the "rename enum types" revision, the last before 0.28, whose tables 0.28's initial migration recreates as they
were). GUID is uuid on PostgreSQL, CHAR(36) elsewhere; TIMESTAMPAware is timestamptz on PostgreSQL, TIMESTAMP
elsewhere; StringEncryptedType is TEXT holding a Fernet token made with the instance's ENCRYPTION_KEY used as
given (Fief's FernetEngine does not hash it); enums are prefixed PostgreSQL types (fief_clienttype, fief_acr,
fief_userfieldtype), ENUM(...) on MySQL, VARCHAR on SQLite. Written for the lab, not copied from Fief.

usage: fieflab.py main|workspace VENDOR --ws ID [--ws ID2] --key FERNET_KEY [--admin EMAIL] [--seed N] [--client-id ID]
       [--other-server]  (the first workspace's database_type POSTGRESQL: it lives on another server)
       fieflab.py newkey
"""
import argparse
import base64
import datetime
import hashlib
import json
import random
import sys
import uuid

from cryptography.fernet import Fernet

WORKSPACE_REVISION = "6c06c7d908a7"
MAIN_REVISION = "c8cf076d3ffa"
PREFIX = "fief_"
ENUMS = {
    "clienttype": ["public", "confidential"],
    "acr": ["0", "1"],
    "userfieldtype": ["STRING", "INTEGER", "BOOLEAN", "DATE", "DATETIME", "CHOICE", "PHONE_NUMBER", "ADDRESS", "TIMEZONE"],
    "databasetype": ["POSTGRESQL", "MYSQL", "SQLITE"],
}

# (column, kind, nullable); kinds: guid ts str:N text json bool int date enc enum:NAME
CU = [("id", "guid", False), ("created_at", "ts", False), ("updated_at", "ts", False)]
EXP = [("expires_at", "ts", False)]
WORKSPACE = [
    ("audit_logs", [("timestamp", "ts", False), ("level", "str:255", False), ("message", "text", False),
                    ("extra", "json", True), ("subject_user_id", "guid", True), ("object_id", "guid", True),
                    ("object_class", "str:255", True), ("admin_user_id", "guid", True), ("admin_api_key_id", "guid", True),
                    ("id", "guid", False)], []),
    ("email_domains", [("email_provider", "str:255", False), ("domain_id", "str:255", False), ("domain", "str:255", False),
                       ("records", "json", False)] + CU, []),
    ("email_templates", [("type", "str:255", False), ("subject", "text", False), ("content", "text", False)] + CU, []),
    ("oauth_providers", [("provider", "str:255", False), ("client_id", "enc", False), ("client_secret", "enc", False),
                         ("scopes", "json", False), ("name", "str:255", True), ("openid_configuration_endpoint", "text", True)] + CU, []),
    ("permissions", [("name", "str:255", False), ("codename", "str:255", False)] + CU, []),
    ("roles", [("name", "str:255", False), ("granted_by_default", "bool", False)] + CU, []),
    ("themes", [("name", "str:255", False), ("default", "bool", False)]
     + [(c, "str:255", False) for c in ("primary_color", "primary_color_hover", "primary_color_light", "input_color",
                                         "input_color_background", "light_color", "light_color_hover", "text_color",
                                         "accent_color", "background_color")]
     + [("font_size", "int", False), ("font_family", "str:255", False), ("font_css_url", "str:512", True)] + CU, []),
    ("user_fields", [("name", "str:320", False), ("slug", "str:320", False), ("type", "enum:userfieldtype", True),
                     ("configuration", "json", False)] + CU, []),
    ("webhooks", [("url", "str:255", False), ("secret", "str:255", False), ("events", "json", False)] + CU, []),
    ("roles_permissions", [("role_id", "guid", False), ("permission_id", "guid", False)],
     [("role_id", "roles"), ("permission_id", "permissions")]),
    ("tenants", [("name", "str:255", False), ("slug", "str:255", False), ("default", "bool", False), ("sign_jwk", "text", False),
                 ("registration_allowed", "bool", False), ("application_url", "str:512", True), ("theme_id", "guid", True),
                 ("logo_url", "str:512", True), ("email_from_email", "str:255", True), ("email_from_name", "str:255", True),
                 ("email_domain_id", "guid", True)] + CU, [("email_domain_id", "email_domains"), ("theme_id", "themes")]),
    ("webhook_logs", [("webhook_id", "guid", False), ("event", "str:255", False), ("attempt", "int", False),
                      ("payload", "text", False), ("success", "bool", False), ("response", "text", True),
                      ("error_type", "str:255", True), ("error_message", "text", True)] + CU, [("webhook_id", "webhooks")]),
    ("clients", [("name", "str:255", False), ("first_party", "bool", False), ("client_type", "enum:clienttype", False),
                 ("client_id", "str:255", False), ("client_secret", "str:255", False), ("redirect_uris", "json", False),
                 ("encrypt_jwk", "text", True), ("authorization_code_lifetime_seconds", "int", False),
                 ("access_id_token_lifetime_seconds", "int", False), ("refresh_token_lifetime_seconds", "int", False),
                 ("tenant_id", "guid", False)] + CU, [("tenant_id", "tenants")]),
    ("tenants_oauth_providers", [("tenant_id", "guid", False), ("oauth_provider_id", "guid", False)],
     [("oauth_provider_id", "oauth_providers"), ("tenant_id", "tenants")]),
    ("users", [("email", "str:320", False), ("email_lower", "str:320", False), ("email_verified", "bool", False),
               ("hashed_password", "str:255", False), ("is_active", "bool", False), ("tenant_id", "guid", False)] + CU,
     [("tenant_id", "tenants")]),
    ("authorization_codes", [("code", "str:255", False), ("c_hash", "str:255", False), ("redirect_uri", "str:2048", False),
                             ("scope", "json", False), ("authenticated_at", "ts", False), ("nonce", "str:255", True),
                             ("acr", "enum:acr", False), ("code_challenge", "str:255", True),
                             ("code_challenge_method", "str:255", True), ("user_id", "guid", False),
                             ("client_id", "guid", False)] + CU + EXP, [("client_id", "clients"), ("user_id", "users")]),
    ("email_verifications", [("code", "str:255", False), ("email", "str:320", False), ("user_id", "guid", False)] + CU + EXP,
     [("user_id", "users")]),
    ("grants", [("scope", "json", False), ("user_id", "guid", False), ("client_id", "guid", False)] + CU,
     [("client_id", "clients"), ("user_id", "users")]),
    ("login_sessions", [("token", "str:255", False), ("response_type", "str:255", False), ("response_mode", "str:255", False),
                        ("redirect_uri", "str:2048", False), ("scope", "json", False), ("prompt", "str:255", True),
                        ("state", "str:2048", True), ("nonce", "str:255", True), ("acr", "enum:acr", False),
                        ("code_challenge", "str:255", True), ("code_challenge_method", "str:255", True),
                        ("client_id", "guid", False)] + CU + EXP, [("client_id", "clients")]),
    ("oauth_accounts", [("access_token", "enc", False), ("expires_at", "ts", True), ("refresh_token", "enc", True),
                        ("account_id", "str:512", False), ("account_email", "str:512", True),
                        ("oauth_provider_id", "guid", False), ("user_id", "guid", True), ("tenant_id", "guid", False)] + CU,
     [("oauth_provider_id", "oauth_providers"), ("tenant_id", "tenants"), ("user_id", "users")]),
    ("refresh_tokens", [("token", "str:255", False), ("scope", "json", False), ("authenticated_at", "ts", False),
                        ("user_id", "guid", False), ("client_id", "guid", False)] + CU + EXP,
     [("client_id", "clients"), ("user_id", "users")]),
    ("session_tokens", [("token", "str:255", False), ("user_id", "guid", False)] + CU + EXP, [("user_id", "users")]),
    ("user_field_values", [("value_string", "text", True), ("value_integer", "int", True), ("value_boolean", "bool", True),
                           ("value_date", "date", True), ("value_datetime", "ts", True), ("value_json", "json", True),
                           ("user_id", "guid", False), ("user_field_id", "guid", False)] + CU,
     [("user_field_id", "user_fields"), ("user_id", "users")]),
    ("user_permissions", [("user_id", "guid", False), ("permission_id", "guid", False), ("from_role_id", "guid", True)] + CU,
     [("from_role_id", "roles"), ("permission_id", "permissions"), ("user_id", "users")]),
    ("user_roles", [("user_id", "guid", False), ("role_id", "guid", False)] + CU, [("role_id", "roles"), ("user_id", "users")]),
    ("oauth_sessions", [("token", "str:255", False), ("redirect_uri", "text", False), ("oauth_provider_id", "guid", False),
                        ("oauth_account_id", "guid", True), ("tenant_id", "guid", False)] + CU + EXP,
     [("oauth_account_id", "oauth_accounts"), ("oauth_provider_id", "oauth_providers"), ("tenant_id", "tenants")]),
    ("registration_sessions", [("token", "str:255", False), ("flow", "str:255", False), ("email", "str:320", True),
                               ("oauth_account_id", "guid", True), ("tenant_id", "guid", False)] + CU + EXP,
     [("oauth_account_id", "oauth_accounts"), ("tenant_id", "tenants")]),
]
PK = {"roles_permissions": ["role_id", "permission_id"], "tenants_oauth_providers": ["tenant_id", "oauth_provider_id"]}
UNIQUE = {"email_domains": [["domain"]], "email_templates": [["type"]], "permissions": [["codename"]], "tenants": [["slug"]],
          "users": [["email", "tenant_id"]], "grants": [["user_id", "client_id"]], "oauth_accounts": [["oauth_provider_id", "user_id"]],
          "user_field_values": [["user_field_id", "user_id"]], "user_permissions": [["user_id", "permission_id", "from_role_id"]],
          "user_roles": [["user_id", "role_id"]]}
ENC = ("enc",)

MAIN = [
    ("alembic_version", [("version_num", "str:32", False)], []),
    ("workspaces", CU[:1] + [("created_at", "ts", False), ("updated_at", "ts", False), ("name", "str:255", False),
                             ("domain", "str:255", False), ("database_type", "enum:databasetype", True),
                             ("database_host", "enc", True), ("database_port", "enc", True), ("database_username", "enc", True),
                             ("database_password", "enc", True), ("database_name", "enc", True),
                             ("alembic_revision", "str:255", True), ("database_ssl_mode", "enc", True),
                             ("users_count", "int", False), ("database_use_schema", "bool", False),
                             ("database_table_prefix", "str:255", False)], []),
    ("workspace_users", CU + [("workspace_id", "guid", False), ("user_id", "guid", False)], [("workspace_id", "workspaces")]),
    ("admin_api_key", CU + [("name", "str:255", False), ("token", "str:255", False), ("workspace_id", "guid", False)],
     [("workspace_id", "workspaces")]),
    ("admin_session_tokens", CU + [("token", "str:255", False), ("raw_tokens", "text", False), ("raw_userinfo", "text", False)], []),
]
MAIN_PK = {"alembic_version": ["version_num"]}
MAIN_UNIQUE = {"admin_api_key": [["token"]], "admin_session_tokens": [["token"]]}


class Dialect:
    def __init__(self, vendor, prefix):
        self.v = vendor
        self.prefix = prefix

    def q(self, name):
        return "`" + name + "`" if self.v == "mariadb" else '"' + name + '"'

    def type(self, kind, nullable):
        v = self.v
        if kind == "guid":
            return "UUID" if v == "pgsql" else "CHAR(36)"
        if kind == "ts":
            return {"pgsql": "TIMESTAMP WITH TIME ZONE", "mariadb": "TIMESTAMP" + (" NULL" if nullable else ""),
                    "sqlite": "TIMESTAMP"}[v]
        if kind.startswith("str:"):
            return "VARCHAR(" + kind[4:] + ")"
        if kind in ("text", "enc"):
            return "TEXT"
        if kind == "json":
            return "JSON"
        if kind == "bool":
            return "BOOLEAN" if v != "mariadb" else "BOOL"
        if kind == "int":
            return "INTEGER"
        if kind == "date":
            return "DATE"
        if kind.startswith("enum:"):
            name = kind[5:]
            type_name = (self.prefix if name != "databasetype" else "") + name
            if v == "pgsql":
                return self.q(type_name)
            if v == "mariadb":
                return "ENUM(" + ",".join("'" + x + "'" for x in ENUMS[name]) + ")"
            return "VARCHAR(" + str(max(len(x) for x in ENUMS[name])) + ")"
        raise ValueError(kind)

    def literal(self, kind, value):
        if value is None:
            return "NULL"
        if kind == "bool":
            return ("true" if value else "false") if self.v == "pgsql" else ("1" if value else "0")
        if kind == "int":
            return str(value)
        if kind == "json":
            value = json.dumps(value)
        if kind == "ts":
            value = value.strftime("%Y-%m-%d %H:%M:%S" + ("" if self.v == "mariadb" else ".%f")) \
                + ("+00" if self.v == "pgsql" else "")
        return "'" + str(value).replace("'", "''") + "'"


def ddl(d, tables, prefix, pks, uniques, with_indexes=True):
    out = []
    if d.v == "pgsql":
        for name, values in ENUMS.items():
            if name == "databasetype" and prefix:
                continue
            if name != "databasetype" and not prefix:
                continue
            out.append("CREATE TYPE %s AS ENUM (%s);" % (d.q((prefix if name != "databasetype" else "") + name),
                                                         ", ".join("'" + x + "'" for x in values)))
    for table, cols, fks in tables:
        t = prefix + table
        lines = []
        for c, kind, nullable in cols:
            extra = ""
            if c in ("created_at", "updated_at") and kind == "ts":
                extra = " DEFAULT " + ("CURRENT_TIMESTAMP" if d.v != "pgsql" else "now()")
            if c == "client_type":
                extra = " DEFAULT 'confidential'"
            lines.append("  %s %s%s%s" % (d.q(c), d.type(kind, nullable), "" if nullable else " NOT NULL", extra))
        pk = pks.get(table, ["id"])
        lines.append("  PRIMARY KEY (%s)" % ", ".join(d.q(c) for c in pk))
        for u in uniques.get(table, []):
            lines.append("  UNIQUE (%s)" % ", ".join(d.q(c) for c in u))
        for c, ref in fks:
            on_delete = "SET NULL" if c in ("theme_id", "email_domain_id") else "CASCADE"
            lines.append("  FOREIGN KEY (%s) REFERENCES %s (%s) ON DELETE %s" % (d.q(c), d.q(prefix + ref), d.q("id"), on_delete))
        engine = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci" if d.v == "mariadb" else ""
        out.append("CREATE TABLE %s (\n%s\n)%s;" % (d.q(t), ",\n".join(lines), engine))
        if with_indexes:
            for c, kind, _ in cols:
                if c in ("created_at", "updated_at", "expires_at") and kind == "ts" and table != "oauth_accounts" or \
                        c in ("token", "code") and table not in ("clients",) and table != "webhooks" and prefix:
                    unique = c in ("token", "code") and table not in ("admin_session_tokens",)
                    out.append("CREATE %sINDEX %s ON %s (%s);" % ("UNIQUE " if unique else "", d.q("ix_" + t + "_" + c),
                                                                  d.q(t), d.q(c)))
    return out


def inserts(d, tables, prefix, rows):
    kinds = {t: {c: k for c, k, _ in cols} for t, cols, _ in tables}
    out = []
    for table, values in rows:
        cols = list(values.keys())
        out.append("INSERT INTO %s (%s) VALUES (%s);" % (
            d.q(prefix + table), ", ".join(d.q(c) for c in cols),
            ", ".join(d.literal(kinds[table][c], values[c]) for c in cols)))
    return out


class Data:
    def __init__(self, seed, key):
        self.r = random.Random(seed)
        self.fernet = Fernet(key.encode())
        self.base = datetime.datetime(2024, 2, 9, 8, 15, 20, 66176) + datetime.timedelta(days=seed % 7)

    def id(self):
        return str(uuid.UUID(int=self.r.getrandbits(128), version=4))

    def token(self, n=43):
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def at(self, minutes):
        return self.base + datetime.timedelta(minutes=minutes, microseconds=self.r.randrange(1000000))

    def enc(self, text):
        return self.fernet.encrypt(text.encode()).decode()

    def cu(self, minutes):
        return {"id": self.id(), "created_at": self.at(minutes), "updated_at": self.at(minutes + 30)}


def workspace_rows(data, admin, scale):
    rows = []
    theme = dict(name="Default", default=True, primary_color="#f43f5e", primary_color_hover="#e11d48",
                 primary_color_light="#fecdd3", input_color="#1c1917", input_color_background="#ffffff",
                 light_color="#fff1f2", light_color_hover="#ffe4e6", text_color="#44403C", accent_color="#1c1917",
                 background_color="#ffffff", font_size=16, font_family="Nunito", font_css_url=None, **data.cu(0))
    rows.append(("themes", theme))
    tenants = []
    for i, (name, slug) in enumerate([("Default", "default"), ("Bretagne Partners", "bretagne-partners")]):
        jwk = json.dumps({"kty": "RSA", "kid": data.token(12), "use": "sig", "n": data.token(342), "e": "AQAB",
                          "d": data.token(342), "p": data.token(171), "q": data.token(171)})
        t = dict(name=name, slug=slug, default=i == 0, sign_jwk=jwk, registration_allowed=i == 0,
                 application_url="https://app.bretagne.duchy" if i == 0 else None, theme_id=theme["id"] if i == 0 else None,
                 logo_url=None, email_from_email=None, email_from_name=None, email_domain_id=None, **data.cu(1 + i))
        tenants.append(t)
        rows.append(("tenants", t))
    clients = []
    for i, t in enumerate(tenants):
        c = dict(name=t["name"] + "'s client", first_party=i == 0, client_type="confidential" if i == 0 else "public",
                 client_id=data.token(), client_secret=data.token(), redirect_uris=["https://app.bretagne.duchy/callback",
                                                                                   "http://localhost:8000/docs/oauth2-redirect"],
                 encrypt_jwk=None, authorization_code_lifetime_seconds=600, access_id_token_lifetime_seconds=86400,
                 refresh_token_lifetime_seconds=2592000, tenant_id=t["id"], **data.cu(3 + i))
        clients.append(c)
        rows.append(("clients", c))
    emails = [admin, "claude@bretagne.duchy", "francois@bretagne.duchy", "isabeau@bretagne.duchy"][:2 + 2 * scale]
    users = []
    for i, email in enumerate(emails):
        u = dict(email=email, email_lower=email.lower(), email_verified=i != 3, hashed_password="$argon2id$v=19$m=65536,t=3,p=4$"
                 + data.token(22) + "$" + data.token(43), is_active=True, tenant_id=tenants[0]["id"], **data.cu(10 + i))
        users.append(u)
        rows.append(("users", u))
    partner = dict(email="yann@partners.example", email_lower="yann@partners.example", email_verified=True,
                   hashed_password="$argon2id$v=19$m=65536,t=3,p=4$" + data.token(22) + "$" + data.token(43),
                   is_active=True, tenant_id=tenants[1]["id"], **data.cu(20))
    users.append(partner)
    rows.append(("users", partner))
    perms = []
    for name, code in [("Read castles", "castles:read"), ("Create castles", "castles:create"), ("Delete castles", "castles:delete")]:
        p = dict(name=name, codename=code, **data.cu(30))
        perms.append(p)
        rows.append(("permissions", p))
    visitor = dict(name="Castle Visitor", granted_by_default=True, **data.cu(31))
    manager = dict(name="Castle Manager", granted_by_default=False, **data.cu(32))
    rows += [("roles", visitor), ("roles", manager)]
    rows.append(("roles_permissions", dict(role_id=visitor["id"], permission_id=perms[0]["id"])))
    for p in perms:
        rows.append(("roles_permissions", dict(role_id=manager["id"], permission_id=p["id"])))
    for i, u in enumerate(users):
        role = manager if i == 1 else visitor
        rows.append(("user_roles", dict(user_id=u["id"], role_id=role["id"], **data.cu(40 + i))))
        for p in (perms if role is manager else perms[:1]):
            rows.append(("user_permissions", dict(user_id=u["id"], permission_id=p["id"], from_role_id=role["id"], **data.cu(40 + i))))
    rows.append(("user_permissions", dict(user_id=users[0]["id"], permission_id=perms[2]["id"], from_role_id=None, **data.cu(45))))
    google = dict(provider="GOOGLE", client_id=data.enc("1043-" + data.token(24) + ".apps.googleusercontent.com"),
                  client_secret=data.enc("GOCSPX-" + data.token(28)), scopes=["openid", "email", "profile"],
                  name="Google", openid_configuration_endpoint=None, **data.cu(50))
    oidc = dict(provider="OPENID", client_id=data.enc("fief-" + data.token(16)), client_secret=data.enc(data.token(40)),
                scopes=["openid"], name="Duchy SSO",
                openid_configuration_endpoint="https://sso.bretagne.duchy/.well-known/openid-configuration", **data.cu(51))
    rows += [("oauth_providers", google), ("oauth_providers", oidc)]
    rows.append(("tenants_oauth_providers", dict(tenant_id=tenants[0]["id"], oauth_provider_id=google["id"])))
    rows.append(("tenants_oauth_providers", dict(tenant_id=tenants[0]["id"], oauth_provider_id=oidc["id"])))
    account = dict(access_token=data.enc("ya29." + data.token(120)), expires_at=data.at(60 * 24 * 30),
                   refresh_token=data.enc("1//" + data.token(100)), account_id=str(data.r.randrange(10 ** 20, 10 ** 21)),
                   account_email=users[1]["email"], oauth_provider_id=google["id"], user_id=users[1]["id"],
                   tenant_id=tenants[0]["id"], **data.cu(55))
    rows.append(("oauth_accounts", account))
    field = dict(name="Phone number", slug="phone_number", type="PHONE_NUMBER",
                 configuration={"at_registration": False, "at_update": True, "required": False, "default": None}, **data.cu(60))
    rows.append(("user_fields", field))
    rows.append(("user_field_values", dict(value_string="+33 2 98 00 00 00", value_integer=None, value_boolean=None,
                                           value_date=None, value_datetime=None, value_json=None, user_id=users[0]["id"],
                                           user_field_id=field["id"], **data.cu(61))))
    hook = dict(url="https://hooks.bretagne.duchy/fief", secret=data.token(43), events=["user.created", "user.updated"],
                **data.cu(70))
    rows.append(("webhooks", hook))
    for attempt in (1, 2):
        rows.append(("webhook_logs", dict(webhook_id=hook["id"], event="user.created", attempt=attempt,
                                          payload=json.dumps({"type": "user.created", "data": {"email": users[-1]["email"]}}),
                                          success=attempt == 2, response="OK" if attempt == 2 else None,
                                          error_type=None if attempt == 2 else "HTTPStatusError",
                                          error_message=None if attempt == 2 else "Server error '502 Bad Gateway'",
                                          **data.cu(71 + attempt))))
    for kind, subject in [("BASE", "{{ tenant.name }}"), ("WELCOME", "Welcome to {{ tenant.name }}"),
                          ("VERIFY_EMAIL", "Verify your email")]:
        rows.append(("email_templates", dict(type=kind, subject=subject, content="<p>" + subject + "</p>", **data.cu(80))))
    rows.append(("grants", dict(scope=["openid", "offline_access"], user_id=users[1]["id"], client_id=clients[0]["id"], **data.cu(90))))
    rows.append(("refresh_tokens", dict(token=hashlib.sha256(data.token().encode()).hexdigest(), scope=["openid", "offline_access"],
                                        authenticated_at=data.at(90), user_id=users[1]["id"], client_id=clients[0]["id"],
                                        expires_at=data.at(90 + 60 * 24 * 30), **data.cu(90))))
    rows.append(("session_tokens", dict(token=hashlib.sha256(data.token().encode()).hexdigest(), user_id=users[0]["id"],
                                        expires_at=data.at(60 * 24 * 30), **data.cu(91))))
    for i, (level, message) in enumerate([("INFO", "User registered"), ("INFO", "User logged in"),
                                          ("WARNING", "Webhook delivery failed")]):
        rows.append(("audit_logs", dict(timestamp=data.at(100 + i), level=level, message=message, extra={"ip": "203.0.113.%d" % (10 + i)},
                                        subject_user_id=users[i % len(users)]["id"], object_id=None, object_class=None,
                                        admin_user_id=None, admin_api_key_id=None, id=data.id())))
    rows.append(("alembic_version", None))
    return rows, users


def main_rows(data, workspaces, admin_user_id, other_server):
    rows = [("alembic_version", dict(version_num=MAIN_REVISION))]
    for i, (ws_id, name, domain, users_count) in enumerate(workspaces):
        remote = other_server and i == 0
        w = dict(id=ws_id, created_at=datetime.datetime(2022, 4, 17, 9, 15, 20, 66176),
                 updated_at=datetime.datetime(2024, 2, 9, 0, 6, 0, 415373), name=name, domain=domain,
                 database_type="POSTGRESQL" if remote else None,
                 database_host=data.enc("db-workspaces.bretagne.internal") if remote else None,
                 database_port=data.enc("5432") if remote else None,
                 database_username=data.enc("fief_ws") if remote else None,
                 database_password=data.enc(data.token(24)) if remote else None,
                 database_name=data.enc("fief_ws") if remote else None, alembic_revision=WORKSPACE_REVISION,
                 database_ssl_mode=data.enc("require") if remote else None, users_count=users_count,
                 database_use_schema=False, database_table_prefix=PREFIX)
        rows.append(("workspaces", w))
        if i == 0:
            rows.append(("workspace_users", dict(workspace_id=ws_id, user_id=admin_user_id, **data.cu(5))))
            for key_name in ("CI deploy", "Terraform"):
                rows.append(("admin_api_key", dict(name=key_name, token=hashlib.sha256(data.token().encode()).hexdigest(),
                                                   workspace_id=ws_id, **data.cu(6))))
    rows.append(("admin_session_tokens", dict(token=hashlib.sha256(data.token().encode()).hexdigest(),
                                              raw_tokens=json.dumps({"access_token": data.token(80)}),
                                              raw_userinfo=json.dumps({"email": "anne@bretagne.duchy"}), **data.cu(7))))
    return rows


def main():
    p = argparse.ArgumentParser()
    p.add_argument("part", choices=["main", "workspace", "newkey"])
    p.add_argument("vendor", nargs="?", choices=["pgsql", "mariadb", "sqlite"])
    p.add_argument("--ws", action="append", default=[])
    p.add_argument("--key")
    p.add_argument("--admin", default="anne@bretagne.duchy")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--other-server", action="store_true")
    # the workspace's first client gets this client_id: the one FIEF_CLIENT_ID names, as 0.27's run-server made it in
    # the main workspace (the admin dashboard signs in through it)
    p.add_argument("--client-id")
    # the main workspace's domain: FIEF_DOMAIN, as 0.27's run-server made it (the second one has a domain of its own)
    p.add_argument("--domain", default="fief.bretagne.duchy")
    a = p.parse_args()
    if a.part == "newkey":
        print(Fernet.generate_key().decode())
        return
    out = []
    if a.part == "workspace":
        d = Dialect(a.vendor, PREFIX)
        out += ddl(d, WORKSPACE + [("alembic_version", [("version_num", "str:32", False)], [])], PREFIX,
                   {**PK, "alembic_version": ["version_num"]}, UNIQUE)
        rows, _ = workspace_rows(Data(a.seed, a.key), a.admin, 1 if a.seed == 1 else 0)
        if a.client_id:
            next(v for t, v in rows if t == "clients")["client_id"] = a.client_id
        rows = [(t, v) if t != "alembic_version" else (t, dict(version_num=WORKSPACE_REVISION)) for t, v in rows]
        tables = WORKSPACE + [("alembic_version", [("version_num", "str:32", False)], [])]
        out += inserts(d, tables, PREFIX, rows)
    else:
        d = Dialect(a.vendor, "")
        out += ddl(d, MAIN, "", MAIN_PK, MAIN_UNIQUE, with_indexes=False)
        # the admin's user id is the one the workspace data gives the admin (same seed, same order)
        _, users = workspace_rows(Data(a.seed, a.key), a.admin, 1)
        names = [("My workspace", a.domain, 5), ("Second workspace", "second.bretagne.duchy", 3)]
        workspaces = [(ws, names[i][0], names[i][1], names[i][2]) for i, ws in enumerate(a.ws)]
        out += inserts(d, MAIN, "", main_rows(Data(a.seed + 100, a.key), workspaces, users[0]["id"], a.other_server))
    print("\n".join(out))


if __name__ == "__main__":
    main()
