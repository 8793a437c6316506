<?php
// Lab release 7.1.0-failing-migration: 7.1.0 plus this migration, which runs after 7.1.0's own
// (the last, create_snowflake_marketplace_usage_table) and fails half-way. Not in a transaction (like a Laravel migration with
// $withinTransaction = false, and like any DDL on MySQL): the first statement's row stays in
// `lookup` after the failure, so a failed upgrade leaves the database partly changed.
return [
    'withinTransaction' => false,
    'statements' => [
        "INSERT INTO `lookup` (`name`, `value`, `private`, `description`)
            VALUES ('upgrade_marker', '7.1.0-failing-migration', {false}, 'Written by the failing lab migration')",
        "UPDATE `lab_missing_table` SET `value` = 'never'",
    ],
];
