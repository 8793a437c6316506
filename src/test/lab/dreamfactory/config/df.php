<?php

return [
    // The DreamFactory version of this install. The migration panel reads it from here.
    'version' => '7.0.0',
    'api_version' => '2.0',
    'always_wrap_resources' => true,
    'resources_wrapper' => 'resource',
    'storage_path' => 'storage/app',
];
