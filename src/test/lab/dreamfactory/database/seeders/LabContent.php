<?php
// Lab only (not DreamFactory's): what an admin builds over time on an install, added by
// `php artisan lab:populate` after `migrate --seed` (the installer data). Encrypted values use
// Laravel's Crypt::encryptString with this install's APP_KEY, as DreamFactory stores them; the
// migration panel proves they still decrypt after a move to another install.
// Rows are inserted in this order; a closure is resolved at insert time (after earlier tables).
// The password is a bcrypt hash of "lab-user-password".
return [
    'role' => [
        ['name' => 'admin-readonly', 'description' => 'Read-only access for auditors', 'is_active' => 1],
        ['name' => 'api-user', 'description' => 'Default role for API users', 'is_active' => 1],
    ],
    'user' => [
        ['name' => 'Lab User', 'first_name' => 'Lab', 'last_name' => 'User', 'email' => 'user@lab.test',
         'password' => password_hash('lab-user-password', PASSWORD_BCRYPT), 'is_sys_admin' => 0, 'is_active' => 1],
    ],
    'lookup' => [
        ['name' => 'company', 'value' => 'Lab Corp', 'private' => 0, 'description' => 'Company name shown in emails'],
        ['name' => 'smtp_password', 'value' => encryptString('lab-secret'), 'private' => 1,
         'description' => 'A private lookup (encrypted with the APP_KEY)'],
    ],
    'service' => [
        ['name' => 'mysql_crm', 'label' => 'CRM database', 'description' => 'The CRM\'s MySQL database.',
         'is_active' => 1, 'type' => 'mysql', 'mutable' => 1, 'deletable' => 1],
    ],
    'sql_db_config' => [
        ['service_id' => fn () => rowId('service', 'name', 'mysql_crm'), 'driver' => 'mysql',
         'connection' => encryptString(json_encode(['host' => 'crm.lab.test', 'port' => 3306, 'database' => 'crm',
             'username' => 'crm_app', 'password' => 'crm-lab-password']))],
    ],
];
