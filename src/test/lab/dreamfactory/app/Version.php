<?php

namespace DreamFactory\App;

final class Version
{
    public static function current(string $base): string
    {
        $config = require $base . '/config/app.php';
        return (string) $config['version'];
    }
}
