<?php
// Added in 7.1.0: API rate limits.
return [
    'CREATE TABLE `limits` (
        {id},
        `type` VARCHAR(255) NOT NULL,
        `key_text` VARCHAR(255) NOT NULL UNIQUE,
        `rate` INTEGER NOT NULL,
        `period` VARCHAR(32) NOT NULL,
        `user_id` INTEGER NULL,
        `role_id` INTEGER NULL,
        `service_id` INTEGER NULL,
        `name` VARCHAR(255) NOT NULL,
        `description` TEXT NULL,
        `is_active` SMALLINT NOT NULL DEFAULT 1,
        {timestamps}
    )',
];
