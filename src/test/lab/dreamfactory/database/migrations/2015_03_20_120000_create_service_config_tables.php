<?php
// Service configs, keyed by their service (df-sqldb's sql_db_config, df-core's email_config; no audit
// columns). sql_db_config.connection is a JSON document whose username and password are each
// Laravel-encrypted strings inside it; email_config keeps username and password encrypted as whole columns.
return [
    'CREATE TABLE `sql_db_config` (
        `service_id` {uint} NOT NULL PRIMARY KEY,
        `driver` VARCHAR(255) NULL,
        `dsn` VARCHAR(255) NULL,
        `username` {longtext} NULL,
        `password` {longtext} NULL,
        `options` TEXT NULL,
        `attributes` TEXT NULL,
        `connection` TEXT NULL,
        `statements` TEXT NULL,
        FOREIGN KEY (`service_id`) REFERENCES `service` (`id`) ON DELETE CASCADE
    )',
    'CREATE TABLE `email_config` (
        `service_id` {uint} NOT NULL PRIMARY KEY,
        `driver` VARCHAR(255) NOT NULL,
        `host` VARCHAR(255) NULL,
        `port` VARCHAR(255) NULL,
        `encryption` VARCHAR(255) NOT NULL DEFAULT \'tls\',
        `username` {longtext} NULL,
        `password` {longtext} NULL,
        `command` VARCHAR(255) NOT NULL DEFAULT \'/usr/sbin/sendmail -bs\',
        `key` {longtext} NULL,
        `secret` {longtext} NULL,
        `domain` VARCHAR(255) NULL,
        FOREIGN KEY (`service_id`) REFERENCES `service` (`id`) ON DELETE CASCADE
    )',
];
