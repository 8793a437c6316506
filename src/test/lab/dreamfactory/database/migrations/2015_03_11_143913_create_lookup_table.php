<?php
return [
    'CREATE TABLE `lookup` (
        {id},
        `name` VARCHAR(255) NOT NULL UNIQUE,
        `value` TEXT NULL,
        `private` SMALLINT NOT NULL DEFAULT 0,
        `description` TEXT NULL,
        {timestamps}
    )',
];
