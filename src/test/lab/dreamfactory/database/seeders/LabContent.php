<?php
// Lab only (not DreamFactory's): what an admin builds over time on an install, added by
// `php artisan lab:populate` after `migrate --seed` (the installer data). Encrypted values use this install's
// APP_KEY and are stored where and as DreamFactory stores them: every lookup's value, private or not (the whole
// column, Crypt::encrypt: the value serialized, then encrypted), a SQL service's credentials as strings inside the
// JSON document of sql_db_config.connection (Crypt::encryptString; json_encode, so their '/' are written '\/'), an
// email service's username and password (whole columns of email_config). The migration panel proves every one
// still decrypts after a move to another install.
// Rows are inserted in this order; a closure is resolved at insert time (after earlier tables).
// The password is a bcrypt hash of "lab-user-password".
return [
    'role' => [
        ['name' => 'admin-readonly', 'description' => 'Read-only access for auditors', 'is_active' => 1],
        ['name' => 'api-user', 'description' => 'Default role for API users', 'is_active' => 1],
    ],
    'user' => [
        ['name' => 'Lab User', 'first_name' => 'Lab', 'last_name' => 'User', 'email' => 'user@lab.test',
         'password' => password_hash('lab-user-password', PASSWORD_BCRYPT), 'is_sys_admin' => 0, 'is_active' => 1,
         'last_login_date' => '2025-06-30 18:45:12'],
    ],
    'lookup' => [
        ['name' => 'company', 'value' => encrypt('Lab Corp'), 'private' => 0, 'description' => 'Company name shown in emails'],
        ['name' => 'smtp_password', 'value' => encrypt('lab-secret'), 'private' => 1,
         'description' => 'A private lookup (masked in the API)'],
        ['name' => 'partner_api_secret', 'value' => encrypt('partner-secret-0042'), 'private' => 1,
         'description' => 'Another private lookup'],
        ['role_id' => fn () => rowId('role', 'name', 'api-user'), 'name' => 'rate_tier', 'value' => encrypt('gold'),
         'private' => 0, 'description' => 'A lookup of the api-user role'],
    ],
    'service' => [
        ['name' => 'mysql_crm', 'label' => 'CRM database', 'description' => 'The CRM\'s MySQL database.',
         'is_active' => 1, 'type' => 'mysql', 'mutable' => 1, 'deletable' => 1],
        ['name' => 'pgsql_reports', 'label' => 'Reports database', 'description' => 'Read replica for reports.',
         'is_active' => 0, 'type' => 'pgsql', 'mutable' => 1, 'deletable' => 1],
        ['name' => 'smtp_mail', 'label' => 'Mail', 'description' => 'Outgoing mail over SMTP.',
         'is_active' => 1, 'type' => 'smtp_email', 'mutable' => 1, 'deletable' => 1],
    ],
    'sql_db_config' => [
        ['service_id' => fn () => rowId('service', 'name', 'mysql_crm'), 'driver' => 'mysql',
         'connection' => json_encode(['host' => 'crm.lab.test', 'port' => 3306, 'database' => 'crm',
             'username' => encryptString('crm_app'), 'password' => encryptString('crm-lab-password'),
             'charset' => 'utf8mb4', 'options' => ['timeout' => 5]]),
         'options' => json_encode([]), 'statements' => json_encode(['SET time_zone = \'+00:00\''])],
        ['service_id' => fn () => rowId('service', 'name', 'pgsql_reports'), 'driver' => 'pgsql',
         'connection' => json_encode(['host' => 'reports.lab.test', 'port' => 5432, 'database' => 'reports',
             'username' => encryptString('reporter'), 'password' => encryptString('reports-lab-password'),
             'schema' => 'public']),
         'options' => null, 'statements' => null],
    ],
    'role_service_access' => [
        ['role_id' => fn () => rowId('role', 'name', 'api-user'), 'service_id' => fn () => rowId('service', 'name', 'mysql_crm'),
         'component' => '_table/*', 'verb_mask' => 1, 'requestor_mask' => 1, 'filters' => '[]', 'filter_op' => 'AND'],
        ['role_id' => fn () => rowId('role', 'name', 'admin-readonly'),
         'service_id' => fn () => rowId('service', 'name', 'pgsql_reports'), 'component' => '*', 'verb_mask' => 1,
         'requestor_mask' => 3, 'filters' => json_encode([['name' => 'region', 'operator' => '=', 'value' => 'eu']]),
         'filter_op' => 'AND'],
    ],
    // a signed-in user's token (the lab's own claims, not a usable token) and a password reset in progress
    'token_map' => [
        ['user_id' => fn () => rowId('user', 'email', 'user@lab.test'),
         'token' => 'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsYWIifQ.bGFiLW9ubHktc2lnbmF0dXJl',
         'iat' => 1751309112, 'exp' => 1751395512],
    ],
    'password_resets' => [
        ['email' => 'user@lab.test', 'token' => hash('sha256', 'lab-reset-token'), 'created_date' => '2025-06-30 18:50:00'],
    ],
    // what else an admin sets up: an app-specific role for the second user, a CORS entry, the CRM database's cached
    // answers and its edited API docs, a script run on one of its events, a custom admin setting, the instance's id
    'user_to_app_to_role' => [
        ['user_id' => fn () => rowId('user', 'email', 'user@lab.test'), 'app_id' => fn () => rowId('app', 'name', 'admin'),
         'role_id' => fn () => rowId('role', 'name', 'admin-readonly')],
    ],
    'cors_config' => [
        ['path' => 'api/v2/*', 'description' => 'The intranet portal', 'origin' => 'https://portal.lab.test',
         'header' => 'Content-Type, X-DreamFactory-API-Key, X-DreamFactory-Session-Token', 'exposed_header' => null,
         'method' => 31, 'max_age' => 3600, 'supports_credentials' => 1, 'enabled' => 1],
    ],
    'service_cache_config' => [
        ['service_id' => fn () => rowId('service', 'name', 'mysql_crm'), 'cache_enabled' => 1, 'cache_ttl' => 300],
    ],
    'service_doc' => [
        ['service_id' => fn () => rowId('service', 'name', 'mysql_crm'), 'format' => 0,
         'content' => json_encode(['openapi' => '3.0.0', 'info' => ['title' => 'CRM database', 'version' => '2.0'],
             'paths' => ['/_table/contacts' => ['get' => ['summary' => 'Contacts of the CRM']]]])],
    ],
    'service_event_map' => [
        ['service_id' => fn () => rowId('service', 'name', 'mysql_crm'), 'event' => 'mysql_crm._table.contacts.post.post_process',
         'data' => json_encode(['script' => 'audit-contact'])],
    ],
    'system_custom' => [
        ['name' => 'adminPreferences', 'value' => json_encode(['theme' => 'dark', 'rowsPerPage' => 50])],
    ],
    'instance_id' => [
        ['instance_id' => '6f1c2e9a-4b7d-4e21-9a3c-0d5b8e7f1a24'],
    ],
    'email_config' => [
        ['service_id' => fn () => rowId('service', 'name', 'smtp_mail'), 'driver' => 'smtp',
         'host' => 'smtp.lab.test', 'port' => '587', 'encryption' => 'tls',
         'username' => encryptString('mailer@lab.test'), 'password' => encryptString('mail-lab-password')],
    ],
];
