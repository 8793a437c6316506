<?php
// Lab only (not DreamFactory's): what an admin builds over time on an install, added by
// `php artisan lab:populate` after `migrate --seed` (the installer data). Encrypted values use
// Laravel's Crypt::encryptString with this install's APP_KEY and are stored where DreamFactory stores
// them: a private lookup's value (the whole column), a SQL service's credentials as strings inside the
// JSON document of sql_db_config.connection (json_encode, so their '/' are written '\/'), an email
// service's username and password (whole columns of email_config). The migration panel proves every one
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
        ['name' => 'company', 'value' => 'Lab Corp', 'private' => 0, 'description' => 'Company name shown in emails'],
        ['name' => 'smtp_password', 'value' => encryptString('lab-secret'), 'private' => 1,
         'description' => 'A private lookup (encrypted with the APP_KEY)'],
        ['name' => 'partner_api_secret', 'value' => encryptString('partner-secret-0042'), 'private' => 1,
         'description' => 'Another private lookup'],
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
    'email_config' => [
        ['service_id' => fn () => rowId('service', 'name', 'smtp_mail'), 'driver' => 'smtp',
         'host' => 'smtp.lab.test', 'port' => '587', 'encryption' => 'tls',
         'username' => encryptString('mailer@lab.test'), 'password' => encryptString('mail-lab-password')],
    ],
];
