<?php
// As df-core's migration of the same name: a newer release adding a table (Laravel's id(), date, integer,
// string(64), timestamp, boolean and useCurrent() column types per vendor, and its index).
return [
    'CREATE TABLE `snowflake_marketplace_usage` (
        {bigid},
        `usage_date` DATE NOT NULL UNIQUE,
        `request_count` INTEGER NOT NULL DEFAULT 0,
        `signature` VARCHAR(64) NOT NULL,
        `reset_at` {timestamp} NOT NULL,
        `tampered` {bool} NOT NULL DEFAULT {false},
        `last_request_at` {timestamp} NULL,
        `created_at` {timestamp} NOT NULL DEFAULT CURRENT_TIMESTAMP
    )',
    'CREATE INDEX `snowflake_marketplace_usage_usage_date_index` ON `snowflake_marketplace_usage` (`usage_date`)',
];
