<?php
// System tables (user, role, service, password_resets, role_service_access, token_map), with the column types df-core's Laravel migrations give them on each
// vendor. Statements are run by artisan's migrator, which expands the placeholders per driver:
//   {id}         $t->increments('id'): int unsigned auto_increment (MySQL), serial (PostgreSQL), integer
//                primary key autoincrement (SQLite)
//   {bigid}      $t->id(): bigint unsigned auto_increment (MySQL), bigserial (PostgreSQL), integer primary
//                key autoincrement (SQLite)
//   {bool}       $t->boolean(): tinyint(1) (MySQL, SQLite), boolean (PostgreSQL)
//   {uint}       $t->integer()->unsigned(): int unsigned (MySQL), integer elsewhere
//   {datetime}   $t->dateTime(): datetime (MySQL, SQLite), timestamp(0) without time zone (PostgreSQL)
//   {longtext}   $t->longText(): longtext (MySQL), text elsewhere
//   {timestamps} DreamFactory's audit columns: created_date and last_modified_date ($t->timestamp()),
//                created_by_id and last_modified_by_id (unsigned, foreign keys to user, set null on delete)
// Backtick-quoted names are re-quoted for PostgreSQL.
return [
    'CREATE TABLE `user` (
        {id},
        `name` VARCHAR(255) NOT NULL,
        `first_name` VARCHAR(255) NULL,
        `last_name` VARCHAR(255) NULL,
        `last_login_date` {datetime} NULL,
        `email` VARCHAR(255) NOT NULL UNIQUE,
        `password` {longtext} NULL,
        `is_sys_admin` {bool} NOT NULL DEFAULT {false},
        `is_active` {bool} NOT NULL DEFAULT {true},
        `phone` VARCHAR(32) NULL,
        `confirm_code` VARCHAR(255) NULL,
        `remember_token` VARCHAR(100) NULL,
        {timestamps}
    )',
    'CREATE TABLE `role` (
        {id},
        `name` VARCHAR(64) NOT NULL UNIQUE,
        `description` VARCHAR(255) NULL,
        `is_active` {bool} NOT NULL DEFAULT {false},
        {timestamps}
    )',
    'CREATE TABLE `service` (
        {id},
        `name` VARCHAR(40) NOT NULL UNIQUE,
        `label` VARCHAR(80) NOT NULL,
        `description` VARCHAR(255) NULL,
        `is_active` {bool} NOT NULL DEFAULT {false},
        `type` VARCHAR(40) NOT NULL,
        `mutable` {bool} NOT NULL DEFAULT {true},
        `deletable` {bool} NOT NULL DEFAULT {true},
        {timestamps}
    )',
    // no primary key, as in df-core
    'CREATE TABLE `password_resets` (
        `email` VARCHAR(255) NOT NULL,
        `token` VARCHAR(255) NOT NULL,
        `created_date` {timestamp} NULL
    )',
    'CREATE INDEX `password_resets_email_index` ON `password_resets` (`email`)',
    'CREATE INDEX `password_resets_token_index` ON `password_resets` (`token`)',
    'CREATE TABLE `role_service_access` (
        {id},
        `role_id` {uint} NOT NULL,
        `service_id` {uint} NULL,
        `component` VARCHAR(255) NULL,
        `verb_mask` {uint} NOT NULL DEFAULT 0,
        `requestor_mask` {uint} NOT NULL DEFAULT 0,
        `filters` TEXT NULL,
        `filter_op` VARCHAR(32) NOT NULL DEFAULT \'and\',
        {timestamps},
        FOREIGN KEY (`role_id`) REFERENCES `role` (`id`) ON DELETE CASCADE,
        FOREIGN KEY (`service_id`) REFERENCES `service` (`id`) ON DELETE CASCADE
    )',
    // the JSON Web Tokens issued at sign-in; no primary key, as in df-core
    'CREATE TABLE `token_map` (
        `user_id` {uint} NOT NULL,
        `token` TEXT NOT NULL,
        `iat` {uint} NOT NULL,
        `exp` {uint} NOT NULL,
        FOREIGN KEY (`user_id`) REFERENCES `user` (`id`) ON DELETE CASCADE
    )',
];
