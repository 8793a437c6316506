<?php
// df-core's other system tables, as a 7.x install has them after df-core's later migrations (e-mail templates with
// their attachment column of 2017, CORS entries with the columns of its 2016 upgrade): the system service's config,
// per-service docs, cache and file settings, default app roles per service, service events, users' roles per app,
// custom system values and the instance's id. Placeholders as in 2015_01_27_190908_create_system_tables.php;
// {mediumtext} is $t->mediumText() (mediumtext on MySQL, text elsewhere), {current} $t->timestamp()->useCurrent().
return [
    'CREATE TABLE `email_template` (
        {id},
        `name` VARCHAR(64) NOT NULL UNIQUE,
        `description` VARCHAR(255) NULL,
        `to` TEXT NULL,
        `cc` TEXT NULL,
        `bcc` TEXT NULL,
        `subject` VARCHAR(80) NULL,
        `attachment` TEXT NULL,
        `body_text` TEXT NULL,
        `body_html` TEXT NULL,
        `from_name` VARCHAR(80) NULL,
        `from_email` VARCHAR(255) NULL,
        `reply_to_name` VARCHAR(80) NULL,
        `reply_to_email` VARCHAR(255) NULL,
        `defaults` TEXT NULL,
        {timestamps}
    )',
    // the system service's config: no id, no timestamps
    'CREATE TABLE `system_config` (
        `service_id` {uint} NOT NULL PRIMARY KEY,
        `default_app_id` {uint} NULL,
        `invite_email_service_id` {uint} NULL,
        `invite_email_template_id` {uint} NULL,
        `password_email_service_id` {uint} NULL,
        `password_email_template_id` {uint} NULL,
        FOREIGN KEY (`service_id`) REFERENCES `service` (`id`) ON DELETE CASCADE,
        FOREIGN KEY (`default_app_id`) REFERENCES `app` (`id`) ON DELETE SET NULL,
        FOREIGN KEY (`invite_email_service_id`) REFERENCES `service` (`id`) ON DELETE SET NULL,
        FOREIGN KEY (`invite_email_template_id`) REFERENCES `email_template` (`id`) ON DELETE SET NULL,
        FOREIGN KEY (`password_email_service_id`) REFERENCES `service` (`id`) ON DELETE SET NULL,
        FOREIGN KEY (`password_email_template_id`) REFERENCES `email_template` (`id`) ON DELETE SET NULL
    )',
    'CREATE TABLE `service_doc` (
        `service_id` {uint} NOT NULL PRIMARY KEY,
        `format` {uint} NOT NULL DEFAULT 0,
        `content` {mediumtext} NULL,
        `created_date` {timestamp} NULL,
        `last_modified_date` {current},
        FOREIGN KEY (`service_id`) REFERENCES `service` (`id`) ON DELETE CASCADE
    )',
    'CREATE TABLE `service_cache_config` (
        `service_id` {uint} NOT NULL PRIMARY KEY,
        `cache_enabled` {bool} NOT NULL DEFAULT {false},
        `cache_ttl` {uint} NOT NULL DEFAULT 0,
        FOREIGN KEY (`service_id`) REFERENCES `service` (`id`) ON DELETE CASCADE
    )',
    // a file service's container and public paths (a JSON array)
    'CREATE TABLE `file_service_config` (
        `service_id` {uint} NOT NULL PRIMARY KEY,
        `public_path` TEXT NULL,
        `container` TEXT NULL,
        FOREIGN KEY (`service_id`) REFERENCES `service` (`id`) ON DELETE CASCADE
    )',
    // method: a bit mask of HTTP verbs
    'CREATE TABLE `cors_config` (
        {id},
        `path` VARCHAR(255) NOT NULL UNIQUE,
        `description` VARCHAR(255) NULL,
        `origin` VARCHAR(255) NULL,
        `header` TEXT NULL,
        `exposed_header` TEXT NULL,
        `method` {uint} NOT NULL DEFAULT 0,
        `max_age` {uint} NOT NULL DEFAULT 0,
        `supports_credentials` {bool} NOT NULL DEFAULT {false},
        `enabled` {bool} NOT NULL DEFAULT {true},
        {timestamps}
    )',
    'CREATE TABLE `user_to_app_to_role` (
        {id},
        `user_id` {uint} NOT NULL,
        `app_id` {uint} NOT NULL,
        `role_id` {uint} NOT NULL,
        FOREIGN KEY (`user_id`) REFERENCES `user` (`id`) ON DELETE CASCADE,
        FOREIGN KEY (`app_id`) REFERENCES `app` (`id`) ON DELETE CASCADE,
        FOREIGN KEY (`role_id`) REFERENCES `role` (`id`) ON DELETE CASCADE
    )',
    'CREATE TABLE `app_role_map` (
        {id},
        `service_id` {uint} NOT NULL,
        `app_id` {uint} NULL,
        `role_id` {uint} NULL,
        FOREIGN KEY (`service_id`) REFERENCES `service` (`id`) ON DELETE CASCADE,
        FOREIGN KEY (`app_id`) REFERENCES `app` (`id`) ON DELETE SET NULL,
        FOREIGN KEY (`role_id`) REFERENCES `role` (`id`) ON DELETE SET NULL
    )',
    'CREATE TABLE `service_event_map` (
        {id},
        `service_id` {uint} NOT NULL,
        `event` VARCHAR(255) NOT NULL,
        `data` TEXT NULL,
        FOREIGN KEY (`service_id`) REFERENCES `service` (`id`) ON DELETE CASCADE
    )',
    'CREATE TABLE `system_custom` (
        `name` VARCHAR(255) NOT NULL PRIMARY KEY,
        `value` {mediumtext} NULL,
        {timestamps}
    )',
    'CREATE TABLE `instance_id` (
        {id},
        `instance_id` VARCHAR(255) NOT NULL,
        `created_date` {timestamp} NULL,
        `last_modified_date` {current}
    )',
];
