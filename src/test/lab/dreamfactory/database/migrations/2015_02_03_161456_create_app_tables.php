<?php
return [
    'CREATE TABLE `app` (
        {id},
        `name` VARCHAR(64) NOT NULL UNIQUE,
        `api_key` VARCHAR(255) NULL,
        `description` VARCHAR(255) NULL,
        `is_active` SMALLINT NOT NULL DEFAULT 0,
        `type` INTEGER NOT NULL DEFAULT 0,
        `path` TEXT NULL,
        `url` TEXT NULL,
        `role_id` INTEGER NULL,
        {timestamps}
    )',
];
