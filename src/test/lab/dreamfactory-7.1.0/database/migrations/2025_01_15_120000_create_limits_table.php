<?php
// Added in 7.1.0: API rate limits, each for a user, a role and/or a service (deleted with them).
return [
    'CREATE TABLE `limits` (
        {id},
        `type` VARCHAR(255) NOT NULL,
        `key_text` VARCHAR(255) NOT NULL UNIQUE,
        `rate` {uint} NOT NULL,
        `period` VARCHAR(32) NOT NULL,
        `user_id` {uint} NULL,
        `role_id` {uint} NULL,
        `service_id` {uint} NULL,
        `name` VARCHAR(255) NOT NULL,
        `description` TEXT NULL,
        `is_active` {bool} NOT NULL DEFAULT {true},
        {timestamps},
        FOREIGN KEY (`user_id`) REFERENCES `user` (`id`) ON DELETE CASCADE,
        FOREIGN KEY (`role_id`) REFERENCES `role` (`id`) ON DELETE CASCADE,
        FOREIGN KEY (`service_id`) REFERENCES `service` (`id`) ON DELETE CASCADE
    )',
];
