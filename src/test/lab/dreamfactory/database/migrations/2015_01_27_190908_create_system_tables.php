<?php
// System tables (user, role, service). Statements are run by artisan's migrator:
// `{id}` becomes the driver's auto-increment primary key, `{timestamps}` the audit columns,
// backtick-quoted names are re-quoted for PostgreSQL.
return [
    'CREATE TABLE `user` (
        {id},
        `name` VARCHAR(255) NOT NULL,
        `first_name` VARCHAR(255) NULL,
        `last_name` VARCHAR(255) NULL,
        `last_login_date` TIMESTAMP NULL,
        `email` VARCHAR(255) NOT NULL UNIQUE,
        `password` TEXT NULL,
        `is_sys_admin` SMALLINT NOT NULL DEFAULT 0,
        `is_active` SMALLINT NOT NULL DEFAULT 1,
        `phone` VARCHAR(32) NULL,
        `confirm_code` VARCHAR(255) NULL,
        `remember_token` VARCHAR(100) NULL,
        {timestamps}
    )',
    'CREATE TABLE `role` (
        {id},
        `name` VARCHAR(64) NOT NULL UNIQUE,
        `description` VARCHAR(255) NULL,
        `is_active` SMALLINT NOT NULL DEFAULT 0,
        {timestamps}
    )',
    'CREATE TABLE `service` (
        {id},
        `name` VARCHAR(40) NOT NULL UNIQUE,
        `label` VARCHAR(80) NOT NULL,
        `description` VARCHAR(255) NULL,
        `is_active` SMALLINT NOT NULL DEFAULT 0,
        `type` VARCHAR(40) NOT NULL,
        `mutable` SMALLINT NOT NULL DEFAULT 1,
        `deletable` SMALLINT NOT NULL DEFAULT 1,
        {timestamps}
    )',
];
