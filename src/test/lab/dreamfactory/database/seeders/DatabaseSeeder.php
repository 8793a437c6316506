<?php
// Seed rows, written by `php artisan migrate --seed` (or `db:seed`) as DreamFactory's seeders do (see seed() in artisan): what a
// fresh install has (the setup admin, the default services and apps). What an admin adds later (roles,
// users, lookups, database services) is in LabContent.php, added by `php artisan lab:populate`.
// The password is a bcrypt hash of "lab-admin-password".
return [
    'user' => [
        ['name' => 'Lab Admin', 'first_name' => 'Lab', 'last_name' => 'Admin', 'email' => 'admin@lab.test',
         'password' => password_hash('lab-admin-password', PASSWORD_BCRYPT), 'is_sys_admin' => 1, 'is_active' => 1],
    ],
    'service' => [
        ['name' => 'system', 'label' => 'System Management', 'description' => 'Service for managing system resources.', 'is_active' => 1, 'type' => 'system', 'mutable' => 0, 'deletable' => 0],
        ['name' => 'api_docs', 'label' => 'Live API Docs', 'description' => 'API documenting and testing service.', 'is_active' => 1, 'type' => 'swagger', 'mutable' => 0, 'deletable' => 0],
        ['name' => 'files', 'label' => 'Local File Storage', 'description' => 'Service for accessing local file storage.', 'is_active' => 1, 'type' => 'local_file', 'mutable' => 1, 'deletable' => 1],
        ['name' => 'logs', 'label' => 'Local Log Storage', 'description' => 'Service for accessing local log storage.', 'is_active' => 1, 'type' => 'local_file', 'mutable' => 1, 'deletable' => 1],
        ['name' => 'db', 'label' => 'Local SQL Database', 'description' => 'Service for accessing local SQLite database.', 'is_active' => 1, 'type' => 'sqlite', 'mutable' => 1, 'deletable' => 1],
    ],
    'app' => [
        ['name' => 'admin', 'api_key' => '6498a8ad1beb9d84d63035c5d1120c007fad6de706734db9689f8996707e0f7d', 'description' => 'An application for administering this instance.', 'is_active' => 1, 'type' => 3, 'path' => 'dreamfactory/dist/index.html'],
        ['name' => 'api_docs', 'api_key' => '36fda24fe5588fa4285ac6c6c2fdfbdb6b6bc9834699774c9bf777f706d05a88', 'description' => 'An OpenAPI-based application allowing documentation viewing and testing of the API.', 'is_active' => 1, 'type' => 3, 'path' => 'df-api-docs-ui/dist/index.html'],
    ],
];
