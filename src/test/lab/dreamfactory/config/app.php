<?php

return [
    // Where DreamFactory 7.x keeps its version (config/app.php, as the real release does); the panel reads it here.
    'version' => '7.0.0',
];
