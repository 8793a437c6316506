<?php
// Added in 7.1.0: a newer release altering a table that holds the admin's data. Laravel's
// ->after('type') places the column after `type` on MySQL/MariaDB; PostgreSQL and SQLite append it.
return [
    'ALTER TABLE `service` ADD `health_check_url` VARCHAR(255) NULL{after:type}',
];
