<?php
// Seed rows, written by `php artisan migrate --seed` (or `db:seed`) as DreamFactory's seeders do (see seed() in artisan): what a
// fresh install has (the setup admin, the default services with their configs, the default apps, the three e-mail
// templates). What an admin adds later (roles, users, lookups, database services) is in LabContent.php, added by
// `php artisan lab:populate`. A closure is resolved at insert time (after earlier tables).
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
        ['name' => 'email', 'label' => 'Local Email Service', 'description' => 'Email service used for sending user invites and/or password reset confirmation.', 'is_active' => 1, 'type' => 'local_email', 'mutable' => 1, 'deletable' => 1],
        ['name' => 'user', 'label' => 'User Management', 'description' => 'Service for managing system users.', 'is_active' => 1, 'type' => 'user', 'mutable' => 1, 'deletable' => 0],
    ],
    'app' => [
        ['name' => 'admin', 'api_key' => '6498a8ad1beb9d84d63035c5d1120c007fad6de706734db9689f8996707e0f7d', 'description' => 'An application for administering this instance.', 'is_active' => 1, 'type' => 3, 'path' => 'dreamfactory/dist/index.html'],
        ['name' => 'api_docs', 'api_key' => '36fda24fe5588fa4285ac6c6c2fdfbdb6b6bc9834699774c9bf777f706d05a88', 'description' => 'An OpenAPI-based application allowing documentation viewing and testing of the API.', 'is_active' => 1, 'type' => 3, 'path' => 'df-api-docs-ui/dist/index.html'],
        ['name' => 'file_manager', 'api_key' => 'b5cb82af7b5d4130f36149f90aa2746782e59a872ac70454ac188743cb55b0ba', 'description' => 'An application for managing file services.', 'is_active' => 1, 'type' => 3, 'path' => 'filemanager/index.html'],
    ],
    // to, cc and bcc are JSON arrays; {first_name}, {link}, {confirm_code}... are filled in when one is sent
    'email_template' => [
        ['name' => 'User Invite Default', 'description' => 'Email sent to invite new users to your DreamFactory instance.',
         'subject' => '[DF] New User Invitation', 'from_name' => 'DO NOT REPLY', 'from_email' => 'no-reply@dreamfactory.com',
         'body_html' => '<div style="padding: 10px;"><p>Hi {first_name},</p><p>You have been invited to the DreamFactory Instance of {instance_name}. Go to the following url, enter the code below, and set your password to confirm your account.<br/><br/>{link}<br/><br/>Confirmation Code: {confirm_code}<br/></p><p>Thanks,<br/>{from_name}</p></div>'],
        ['name' => 'User Registration Default', 'description' => 'Email sent to new users to complete registration.',
         'subject' => '[DF] Registration Confirmation', 'from_name' => 'DO NOT REPLY', 'from_email' => 'no-reply@dreamfactory.com',
         'body_html' => '<div style="padding: 10px;"><p>Hi {first_name},</p><p>You have registered a user account on the DreamFactory instance of {instance_name}. Go to the following url, enter the code below, and set your password to confirm your account.<br/><br/>{link}<br/><br/>Confirmation Code: {confirm_code}</p><p>Thanks,<br/>{from_name}</p></div>'],
        ['name' => 'Password Reset Default', 'description' => 'Email sent to users following a request to reset their password.',
         'subject' => '[DF] Password Reset', 'from_name' => 'DO NOT REPLY', 'from_email' => 'no-reply@dreamfactory.com',
         'body_html' => '<div style="padding: 10px;"><p>Hi {first_name},</p><p>You have requested to reset your password. Go to the following url, enter the code below, and set your new password.<br/><br/>{link}<br/><br/>Confirmation Code: {confirm_code}</p><p>Thanks,<br/>{from_name}</p></div>'],
    ],
    // the system service's config: invites and password resets sent by the email service with the default templates
    'system_config' => [
        ['service_id' => fn () => rowId('service', 'name', 'system'),
         'invite_email_service_id' => fn () => rowId('service', 'name', 'email'),
         'invite_email_template_id' => fn () => rowId('email_template', 'name', 'User Invite Default'),
         'password_email_service_id' => fn () => rowId('service', 'name', 'email'),
         'password_email_template_id' => fn () => rowId('email_template', 'name', 'Password Reset Default')],
    ],
    'file_service_config' => [
        ['service_id' => fn () => rowId('service', 'name', 'files'), 'public_path' => '[]', 'container' => 'app'],
        ['service_id' => fn () => rowId('service', 'name', 'logs'), 'public_path' => '[]', 'container' => 'logs'],
    ],
];
