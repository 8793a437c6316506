<?php
// Applications (df-core): storage service and role are foreign keys that are set null when those go.
return [
    'CREATE TABLE `app` (
        {id},
        `name` VARCHAR(64) NOT NULL UNIQUE,
        `api_key` VARCHAR(255) NULL,
        `description` VARCHAR(255) NULL,
        `is_active` {bool} NOT NULL DEFAULT {false},
        `type` {uint} NOT NULL DEFAULT 0,
        `path` TEXT NULL,
        `url` TEXT NULL,
        `storage_service_id` {uint} NULL,
        `storage_container` VARCHAR(255) NULL,
        `requires_fullscreen` {bool} NOT NULL DEFAULT {false},
        `allow_fullscreen_toggle` {bool} NOT NULL DEFAULT {true},
        `toggle_location` VARCHAR(64) NOT NULL DEFAULT \'top\',
        `role_id` {uint} NULL,
        {timestamps},
        FOREIGN KEY (`storage_service_id`) REFERENCES `service` (`id`) ON DELETE SET NULL,
        FOREIGN KEY (`role_id`) REFERENCES `role` (`id`) ON DELETE SET NULL
    )',
];
