<?php
// System lookups: a private lookup's value is Laravel-encrypted with the APP_KEY (the whole column).
return [
    'CREATE TABLE `lookup` (
        {id},
        `name` VARCHAR(255) NOT NULL UNIQUE,
        `value` TEXT NULL,
        `private` {bool} NOT NULL DEFAULT {false},
        `description` TEXT NULL,
        {timestamps}
    )',
];
