<?php
// System lookups (df-core's merged lookup table): global, or scoped to an app, a role or a user (the scope's row
// going takes its lookups along). Every value is Laravel-encrypted with the APP_KEY, the whole column (df-core's
// BaseSystemLookup lists value among its $encrypted attributes); `private` only masks it in the API's answers.
return [
    'CREATE TABLE `lookup` (
        {id},
        `app_id` {uint} NULL,
        `role_id` {uint} NULL,
        `user_id` {uint} NULL,
        `name` VARCHAR(255) NOT NULL,
        `value` TEXT NULL,
        `private` {bool} NOT NULL DEFAULT {false},
        `description` TEXT NULL,
        {timestamps},
        FOREIGN KEY (`app_id`) REFERENCES `app` (`id`) ON DELETE CASCADE,
        FOREIGN KEY (`role_id`) REFERENCES `role` (`id`) ON DELETE CASCADE,
        FOREIGN KEY (`user_id`) REFERENCES `user` (`id`) ON DELETE CASCADE
    )',
];
