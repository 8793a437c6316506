<?php

return [
    'api_version' => '2.0',
    'always_wrap_resources' => true,
    'resources_wrapper' => 'resource',
    'storage_path' => 'storage/app',
];
