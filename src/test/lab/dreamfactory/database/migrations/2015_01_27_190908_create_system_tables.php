<?php
// System tables (user, role, service), with the column types df-core's Laravel migrations give them on each
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
];
