<?php
// Lab stand-in front controller (served by `php -S`): the installed version at /, and the few REST API
// calls the panel's migration check makes, shaped like DreamFactory's:
//   POST /api/v2/user/session  {"email","password"}  → {"session_token", "email", ...} or 401
//   GET  /api/v2/system/{user|role|service|app|lookup}  with X-DreamFactory-Session-Token → {"resource": [...]}
// Tokens are HMAC-SHA256 under the instance's APP_KEY, so a target whose key changed rejects old ones.
$base = dirname(__DIR__);
$config = require $base . '/config/app.php';
header('Content-Type: application/json');

function reply(int $status, array $body): void
{
    http_response_code($status);
    echo json_encode($body, JSON_UNESCAPED_SLASHES), "\n";
}

if (is_file($base . '/storage/framework/down')) {
    reply(503, ['error' => ['code' => 503, 'message' => 'maintenance']]);
    return;
}

$path = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH) ?: '/';
if ($path === '/' || $path === '/index.php') {
    reply(200, ['name' => 'DreamFactory', 'version' => $config['version']]);
    return;
}

/** The .env as KEY => value (plain KEY=VALUE lines, optional quotes), read per request: edits show at once. */
function env_values(string $base): array
{
    $values = [];
    foreach (@file($base . '/.env', FILE_IGNORE_NEW_LINES) ?: [] as $line) {
        if (preg_match('/^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/', $line, $m)) {
            $values[$m[1]] = trim($m[2], "\"'");
        }
    }
    return $values;
}

function database(array $env): PDO
{
    $driver = ($env['DB_CONNECTION'] ?? '') === 'mariadb' ? 'mysql' : ($env['DB_CONNECTION'] ?? '');
    $dsn = match ($driver) {
        'sqlite' => 'sqlite:' . $env['DB_DATABASE'],
        'mysql' => "mysql:host={$env['DB_HOST']};port={$env['DB_PORT']};dbname={$env['DB_DATABASE']};charset=utf8mb4",
        'pgsql' => "pgsql:host={$env['DB_HOST']};port={$env['DB_PORT']};dbname={$env['DB_DATABASE']}",
        default => throw new RuntimeException('unsupported DB_CONNECTION'),
    };
    $pdo = new PDO($dsn, $env['DB_USERNAME'] ?? null, $env['DB_PASSWORD'] ?? null,
        [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_DEFAULT_FETCH_MODE => PDO::FETCH_ASSOC]);
    return $pdo;
}

function quoted(PDO $pdo, string $name): string
{
    return $pdo->getAttribute(PDO::ATTR_DRIVER_NAME) === 'mysql' ? "`$name`" : "\"$name\"";
}

function token_for(string $email, string $key): string
{
    return rtrim(strtr(base64_encode($email), '+/', '-_'), '=') . '.' . hash_hmac('sha256', $email, $key);
}

try {
    $env = env_values($base);
    $key = $env['APP_KEY'] ?? '';
    $pdo = database($env);
    if ($path === '/api/v2/user/session' && ($_SERVER['REQUEST_METHOD'] ?? '') === 'POST') {
        $given = json_decode(file_get_contents('php://input') ?: '', true) ?: [];
        $st = $pdo->prepare('SELECT email, password, is_sys_admin FROM ' . quoted($pdo, 'user') . ' WHERE email = ? AND is_active = \'1\'');
        $st->execute([(string) ($given['email'] ?? '')]);
        $user = $st->fetch();
        if (!$user || !password_verify((string) ($given['password'] ?? ''), (string) $user['password'])) {
            reply(401, ['error' => ['code' => 401, 'message' => 'Invalid credentials supplied.']]);
            return;
        }
        reply(200, ['session_token' => token_for($user['email'], $key), 'email' => $user['email'],
            'is_sys_admin' => (bool) $user['is_sys_admin']]);
        return;
    }
    if (preg_match('#^/api/v2/system/(user|role|service|app|lookup)$#', $path, $m)) {
        $token = $_SERVER['HTTP_X_DREAMFACTORY_SESSION_TOKEN'] ?? '';
        $parts = explode('.', $token, 2);
        $email = count($parts) === 2 ? base64_decode(strtr($parts[0], '-_', '+/')) : '';
        if ($email === '' || !hash_equals(token_for($email, $key), $token)) {
            reply(401, ['error' => ['code' => 401, 'message' => 'Session token is invalid or expired.']]);
            return;
        }
        $name = $m[1] === 'user' ? 'email' : 'name';
        $rows = $pdo->query('SELECT id, ' . $name . ' AS name FROM ' . quoted($pdo, $m[1]) . ' ORDER BY id')->fetchAll();
        reply(200, ['resource' => $rows]);
        return;
    }
    reply(404, ['error' => ['code' => 404, 'message' => 'Not found: ' . $path]]);
} catch (Throwable $e) {
    reply(500, ['error' => ['code' => 500, 'message' => $e->getMessage()]]);
}
