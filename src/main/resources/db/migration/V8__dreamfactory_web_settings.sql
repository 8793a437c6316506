-- The web server, its custom restart command and the Laravel web user and group are DreamFactory's knowledge: they
-- leave the instance table for DreamFactory's own product settings (the JSON object in product_settings, keys
-- webServer, webRestartCommand, webUser, webGroup). Values are JSON-escaped (backslash, double quote, tab; the
-- form never let a line break or NUL in). Other products' rows just lose the columns, which they never used.
update instance set product_settings = '{'
        || coalesce('"webGroup":"' || replace(replace(web_group, '\', '\\'), '"', '\"') || '",', '')
        || coalesce('"webRestartCommand":"' || replace(replace(replace(web_restart_command, '\', '\\'), '"', '\"'),
                chr(9), '\t') || '",', '')
        || coalesce('"webUser":"' || replace(replace(web_user, '\', '\\'), '"', '\"') || '",', '')
        || '"webServer":"' || coalesce(web_server, 'NGINX') || '"'
        || case when product_settings is null or trim(product_settings) in ('', '{}') then '}'
                else ',' || substring(trim(product_settings) from 2) end
    where product = 'dreamfactory';

alter table instance drop column web_server;
alter table instance drop column web_restart_command;
alter table instance drop column web_user;
alter table instance drop column web_group;
