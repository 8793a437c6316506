<?php
// Lab stand-in front controller: reports the installed version.
$config = require __DIR__ . '/../config/df.php';
header('Content-Type: application/json');
if (is_file(__DIR__ . '/../storage/framework/down')) {
    http_response_code(503);
    echo json_encode(['error' => 'maintenance']);
    return;
}
echo json_encode(['name' => 'DreamFactory', 'version' => $config['version']]);
