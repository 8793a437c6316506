<?php
// As df-core's migration of the same name: a newer release altering a table that holds the admin's data.
// Laravel's ->after('description') places the column there on MySQL/MariaDB; PostgreSQL and SQLite append it.
return [
    'ALTER TABLE `role` ADD `redirect_uri` VARCHAR(500) NULL{after:description}',
];
