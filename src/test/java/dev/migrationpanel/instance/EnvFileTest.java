package dev.migrationpanel.instance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EnvFileTest {

    @Test
    void readsTheFormsLaravelAccepts() {
        EnvFile env = EnvFile.parse("""
                # comment
                APP_NAME=DreamFactory
                APP_KEY=base64:AAAAbbbbCCCCdddd+/==
                export DB_HOST=127.0.0.1
                DB_PASSWORD="p@ss \\"quoted\\" #not-a-comment"
                DB_USERNAME='single $literal'
                CACHE_DRIVER=file # inline comment
                EMPTY=
                  INDENTED = yes\r
                not a line
                """);
        assertThat(env.get("APP_NAME")).contains("DreamFactory");
        assertThat(env.get("APP_KEY")).contains("base64:AAAAbbbbCCCCdddd+/==");
        assertThat(env.get("DB_HOST")).contains("127.0.0.1");
        assertThat(env.get("DB_PASSWORD")).contains("p@ss \"quoted\" #not-a-comment");
        assertThat(env.get("DB_USERNAME")).contains("single $literal");
        assertThat(env.get("CACHE_DRIVER")).contains("file");
        assertThat(env.get("EMPTY")).contains("");
        assertThat(env.has("EMPTY")).isFalse();
        assertThat(env.get("INDENTED")).contains("yes");
        assertThat(env.keys()).containsExactly("APP_NAME", "APP_KEY", "DB_HOST", "DB_PASSWORD", "DB_USERNAME",
                "CACHE_DRIVER", "EMPTY", "INDENTED");
    }

    @Test
    void laterDefinitionsWin() {
        assertThat(EnvFile.parse("A=1\nA=2\n").get("A")).contains("2");
    }
}
