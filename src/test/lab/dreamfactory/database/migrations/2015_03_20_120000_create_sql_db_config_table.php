<?php
// SQL database services' connection settings: `connection` is a JSON object (host, port, database,
// username, password) encrypted with the install's APP_KEY (Laravel's encrypter).
return [
    'CREATE TABLE `sql_db_config` (
        {id},
        `service_id` INTEGER NOT NULL UNIQUE,
        `driver` VARCHAR(32) NOT NULL,
        `connection` TEXT NULL,
        {timestamps}
    )',
];
