package dev.migrationpanel.cairncms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.migrationpanel.database.DbSettings;
import dev.migrationpanel.database.DbVendor;
import dev.migrationpanel.instance.DeploymentType;
import dev.migrationpanel.instance.Instance;
import dev.migrationpanel.job.Plan;
import dev.migrationpanel.job.Step;
import dev.migrationpanel.job.StepSpec;
import dev.migrationpanel.product.HostFacts;
import dev.migrationpanel.web.InvalidInputException;

/**
 * The content move's plan as a value, without a server: the guide's order (record, backup, file bytes, rows, restart,
 * proof), the vendors' data-only dumps, the conflict policies' statements, quoting, no secret, the options and their
 * refusals.
 */
class CairnContentMovePlanTest {

    static Instance instance(long id, String name, boolean commands) {
        Instance i = new Instance();
        org.springframework.test.util.ReflectionTestUtils.setField(i, "id", id);
        i.setName(name);
        i.setProduct(CairnCmsProfile.ID);
        i.setSshUser("deploy");
        i.setInstallPath("/srv/" + name);
        i.setDeploymentType(DeploymentType.HOST);
        if (commands) {
            i.setProductSettings("{\"startCommand\":\"sudo -n systemctl start cms\",\"stopCommand\":\"sudo -n systemctl stop cms\"}");
        }
        return i;
    }

    static CairnMoveSchema.Table table(String name, String key, String... columnsAndTypes) {
        List<CairnMoveSchema.Column> columns = new ArrayList<>();
        for (int i = 0; i < columnsAndTypes.length; i += 2) {
            columns.add(new CairnMoveSchema.Column(columnsAndTypes[i], columnsAndTypes[i + 1]));
        }
        return new CairnMoveSchema.Table(name, columns, key);
    }

    /** The lab's data model: authors ← articles (author, cover → directus_files) ← comments, plus tags ↔ articles. */
    static CairnMoveSchema.Shape shape() {
        Map<String, CairnMoveSchema.Table> tables = new LinkedHashMap<>();
        tables.put("authors", table("authors", "id", "id", "integer", "name", "character varying(255)",
                "user_created", "uuid"));
        tables.put("articles", table("articles", "id", "id", "uuid", "title", "character varying(255)", "author",
                "integer", "cover", "uuid"));
        tables.put("comments", table("comments", "id", "id", "integer", "article", "uuid", "body", "text"));
        tables.put("tags", table("tags", "id", "id", "integer", "label", "text"));
        tables.put("articles_tags", table("articles_tags", "id", "id", "integer", "articles_id", "uuid", "tags_id", "integer"));
        tables.put("directus_files", table("directus_files", "id", "id", "uuid", "storage", "character varying(255)",
                "filename_disk", "character varying(255)", "uploaded_by", "uuid", "folder", "uuid"));
        tables.put("directus_users", table("directus_users", "id", "id", "uuid", "email", "character varying(128)"));
        tables.put("directus_folders", table("directus_folders", "id", "id", "uuid", "name", "character varying(255)"));
        List<CairnMoveSchema.Relation> relations = List.of(
                new CairnMoveSchema.Relation("articles", "author", "authors", null),
                new CairnMoveSchema.Relation("articles", "cover", "directus_files", null),
                new CairnMoveSchema.Relation("comments", "article", "articles", null),
                new CairnMoveSchema.Relation("authors", "user_created", "directus_users", null),
                new CairnMoveSchema.Relation("articles_tags", "articles_id", "articles", "tags_id"),
                new CairnMoveSchema.Relation("articles_tags", "tags_id", "tags", "articles_id"));
        return new CairnMoveSchema.Shape(tables, relations);
    }

    static CairnContentMoveFlow.Facts facts(DbVendor vendor) {
        DbSettings sdb = vendor == DbVendor.SQLITE ? new DbSettings(vendor, null, 0, null, null, null, "/srv/dev/data.db")
                : new DbSettings(vendor, "127.0.0.1", vendor.defaultPort(), "cms_dev", "cms", "s3cret-dev", null);
        DbSettings tdb = vendor == DbVendor.SQLITE ? new DbSettings(vendor, null, 0, null, null, null, "/srv/prod/data.db")
                : new DbSettings(vendor, "db.internal", vendor.defaultPort(), "cms_prod", "cms", "s3cret-prod", null);
        return new CairnContentMoveFlow.Facts(new HostFacts("/home/deploy", sdb), new HostFacts("/home/ops", tdb), shape(),
                shape(), List.of(new StorageLocation("local", "local", "/srv/dev/uploads"),
                        new StorageLocation("s3", "s3", null)),
                List.of(new StorageLocation("local", "local", "/srv/prod/uploads")));
    }

    private static Plan plan(DbVendor vendor, CairnMoveCommands.Conflict conflict, String... collections) {
        return CairnContentMoveFlow.build(instance(1, "dev", false), instance(2, "prod", true), facts(vendor),
                List.of(collections), conflict);
    }

    private static Step step(Plan plan, String titleStart) {
        return plan.steps().stream().filter(s -> s.title().startsWith(titleStart)).findFirst().orElseThrow();
    }

    @Test
    void recordBackupFilesRowsRestartAndProofInTheGuidesOrder() {
        Plan plan = plan(DbVendor.PGSQL, CairnMoveCommands.Conflict.REFUSE, "authors", "articles");
        List<String> titles = plan.steps().stream().map(Step::title).toList();
        assertThat(titles).containsSubsequence(CairnContentMoveFlow.RECORD, "Dump the system DB (PostgreSQL)",
                "Download the dump", "Carry the referenced files' bytes of location local (stored on the way)",
                "Carry the referenced files' bytes of location s3", CairnContentMoveFlow.LOAD,
                "Stop the target's service", "Start the target's service", CairnContentMoveFlow.VERIFY);
        assertThat(step(plan, "Carry the referenced files' bytes of location s3").spec()).isInstanceOf(StepSpec.Note.class);
        assertThat(plan.steps().stream().filter(Step::changesInstance).map(Step::instanceName).distinct().toList())
                .as("the source is only read").containsExactly("prod");
        assertThat(plan.options()).isEqualTo(Map.of("target", "2", "collections", "authors,articles", "conflict", "refuse"));
        // the proof is told what was moved, as plain values
        StepSpec.Verify proof = (StepSpec.Verify) step(plan, CairnContentMoveFlow.VERIFY).spec();
        assertThat(proof.check()).isEqualTo(CairnContentMoveProof.PROVE);
        assertThat(proof.args()).containsEntry("tables", "authors,articles").containsEntry("fileFields", "articles.cover")
                .containsEntry("systemRefs", "authors.user_created=directus_users").containsEntry("conflict", "refuse")
                .containsEntry("keys", "authors=id,articles=id").containsEntry("source", "1");
        assertThat(((StepSpec.Verify) plan.steps().get(1).spec()).args()).isEqualTo(proof.args());
        for (Step step : plan.steps()) {
            assertThat(step.spec().display()).as("no secret in " + step.title()).doesNotContain("s3cret");
        }
    }

    @Test
    void postgresDumpsTheTablesDataOnlyStagesThemAndMergesInOneTransaction() {
        Plan plan = plan(DbVendor.PGSQL, CairnMoveCommands.Conflict.REFUSE, "articles", "authors");
        StepSpec.Stream load = (StepSpec.Stream) step(plan, CairnContentMoveFlow.LOAD).spec();
        assertThat(load.fromCommand()).startsWith("printf '%s\\n' 'BEGIN;' 'CREATE TEMP TABLE panel_move_0 (LIKE public.\"authors\") ON COMMIT DROP;'")
                .contains("pg_dump -h '127.0.0.1' -p 5432 -U 'cms' -d 'cms_dev' --data-only --no-owner --no-privileges "
                        + "--table='public.\"authors\"' --table='public.\"articles\"'")
                .contains("PGPASSWORD={{secret:db.password}} pg_dump")
                .contains("COPY (SELECT \"id\", \"storage\", \"filename_disk\", \"uploaded_by\", \"folder\" FROM "
                        + "\"directus_files\" WHERE \"id\" IN (SELECT \"cover\" FROM \"articles\" WHERE \"cover\" IS NOT NULL)) TO STDOUT")
                .endsWith("'COMMIT;'");
        // referenced first: authors before articles, whatever the order chosen; files before both
        String merge = load.fromCommand().replace("'\"'\"'", "'"); // a quote inside a quoted word, as SQL reads it
        assertThat(merge.indexOf("INSERT INTO public.\"directus_files\"")).isLessThan(merge.indexOf("INSERT INTO public.\"authors\""));
        assertThat(merge.indexOf("INSERT INTO public.\"authors\"")).isLessThan(merge.indexOf("INSERT INTO public.\"articles\""));
        assertThat(merge).contains("'INSERT INTO public.\"authors\" (\"id\", \"name\", \"user_created\") SELECT s.\"id\", "
                + "s.\"name\", s.\"user_created\" FROM pg_temp.panel_move_0 AS s;'")
                .contains("UPDATE pg_temp.panel_move_0 SET \"user_created\" = NULL WHERE \"user_created\" IS NOT NULL AND "
                        + "\"user_created\" NOT IN (SELECT \"id\" FROM public.\"directus_users\");")
                .contains("UPDATE pg_temp.panel_move_files SET \"uploaded_by\" = NULL")
                .contains("UPDATE pg_temp.panel_move_files SET \"folder\" = NULL")
                .contains("pg_catalog.setval(pg_catalog.pg_get_serial_sequence('public.\"authors\"', 'id'), m)")
                .doesNotContain("pg_get_serial_sequence('public.\"articles\"'") // a uuid key has no sequence
                .doesNotContain("NOT EXISTS").doesNotContain("DELETE");
        assertThat(load.toCommand()).contains("-e 's/^COPY public\\.authors (/COPY pg_temp.panel_move_0 (/'")
                .contains("-e 's/^COPY public\\.\"articles\" (/COPY pg_temp.panel_move_1 (/'")
                .endsWith("psql -X -q -v ON_ERROR_STOP=1 -h 'db.internal' -p 5432 -U 'cms' -d 'cms_prod'");
        assertThat(load.secret()).as("the rows are kept encrypted").isTrue();
        assertThat(plan.steps()).extracting(Step::title).doesNotContain("Advance the key sequences");

        StepSpec.Stream bytes = (StepSpec.Stream) step(plan, "Carry the referenced files' bytes of location local").spec();
        assertThat(bytes.fromCommand()).startsWith("files=$(PGPASSWORD={{secret:db.password}} psql")
                .contains("WHERE storage = '\"'\"'local'\"'\"' AND \"id\" IN (SELECT \"cover\" FROM \"articles\"")
                .contains("tar -C '/srv/dev/uploads' --ignore-failed-read --verbatim-files-from -cf - -T -");
        assertThat(bytes.toCommand()).isEqualTo("mkdir -p '/srv/prod/uploads' && tar -C '/srv/prod/uploads' -xf - && cat > /dev/null");
    }

    @Test
    void eachConflictPolicyMergesAsNamedAndNeverDeletes() {
        String skip = ((StepSpec.Stream) step(plan(DbVendor.PGSQL, CairnMoveCommands.Conflict.SKIP, "authors"),
                CairnContentMoveFlow.LOAD).spec()).fromCommand();
        assertThat(skip).contains("INSERT INTO public.\"authors\" (\"id\", \"name\", \"user_created\") SELECT s.\"id\", "
                + "s.\"name\", s.\"user_created\" FROM pg_temp.panel_move_0 AS s WHERE NOT EXISTS (SELECT 1 FROM "
                + "public.\"authors\" AS x WHERE x.\"id\" = s.\"id\");").doesNotContain("UPDATE public.");
        String overwrite = ((StepSpec.Stream) step(plan(DbVendor.PGSQL, CairnMoveCommands.Conflict.OVERWRITE, "authors"),
                CairnContentMoveFlow.LOAD).spec()).fromCommand();
        assertThat(overwrite).contains("UPDATE public.\"authors\" AS t SET \"name\" = s.\"name\", \"user_created\" = "
                + "s.\"user_created\" FROM pg_temp.panel_move_0 AS s WHERE t.\"id\" = s.\"id\";")
                .contains("WHERE NOT EXISTS (SELECT 1 FROM public.\"authors\" AS x");
        String mysql = ((StepSpec.Stream) step(plan(DbVendor.MYSQL, CairnMoveCommands.Conflict.OVERWRITE, "authors"),
                CairnContentMoveFlow.LOAD).spec()).fromCommand();
        assertThat(mysql).contains("UPDATE `authors` AS t JOIN `panel_move_0` AS s ON t.`id` = s.`id` SET t.`name` = "
                + "s.`name`, t.`user_created` = s.`user_created`;");
        String sqlite = ((StepSpec.Stream) step(plan(DbVendor.SQLITE, CairnMoveCommands.Conflict.OVERWRITE, "authors"),
                CairnContentMoveFlow.LOAD).spec()).fromCommand();
        assertThat(sqlite).contains("UPDATE main.\"authors\" SET \"name\" = s.\"name\", \"user_created\" = s.\"user_created\" "
                + "FROM temp.panel_move_0 AS s WHERE \"authors\".\"id\" = s.\"id\";");
        for (String command : List.of(skip, overwrite, mysql, sqlite)) {
            assertThat(command).doesNotContainIgnoringCase("DELETE").doesNotContain("ON CONFLICT");
        }
        StepSpec.Stream skipBytes = (StepSpec.Stream) step(plan(DbVendor.PGSQL, CairnMoveCommands.Conflict.SKIP, "articles"),
                "Carry the referenced files' bytes of location local").spec();
        assertThat(skipBytes.toCommand()).contains("-xf - --skip-old-files");
    }

    /** A same-vendor move of a tree: MariaDB checks each row's foreign key as it is written. */
    @Test
    void onMysqlATreeIsInsertedWithoutItsParentsThenTheyAreSetOnceEveryRowIsThere() {
        CairnMoveSchema.Shape base = shape();
        Map<String, CairnMoveSchema.Table> tables = new LinkedHashMap<>(base.tables());
        tables.put("categories", table("categories", "id", "id", "integer", "name", "text", "parent", "integer"));
        List<CairnMoveSchema.Relation> relations = new ArrayList<>(base.relations());
        relations.add(new CairnMoveSchema.Relation("categories", "parent", "categories", null));
        CairnMoveSchema.Shape shape = new CairnMoveSchema.Shape(tables, relations);
        java.util.function.BiFunction<DbVendor, CairnMoveCommands.Conflict, String> load = (vendor, conflict) -> {
            CairnContentMoveFlow.Facts f = facts(vendor);
            Plan plan = CairnContentMoveFlow.build(instance(1, "dev", false), instance(2, "prod", true),
                    new CairnContentMoveFlow.Facts(f.source(), f.target(), shape, shape, f.sourceLocations(),
                            f.targetLocations()), List.of("categories"), conflict);
            return ((StepSpec.Stream) step(plan, CairnContentMoveFlow.LOAD).spec()).fromCommand();
        };
        String skip = load.apply(DbVendor.MYSQL, CairnMoveCommands.Conflict.SKIP);
        String fresh = "CREATE TEMPORARY TABLE `panel_move_0_new` AS SELECT s.`id` FROM `panel_move_0` AS s WHERE NOT "
                + "EXISTS (SELECT 1 FROM `categories` AS x WHERE x.`id` = s.`id`);";
        String insert = "INSERT INTO `categories` (`id`, `name`, `parent`) SELECT s.`id`, s.`name`, NULL FROM "
                + "`panel_move_0` AS s JOIN `panel_move_0_new` AS n ON n.`id` = s.`id`;";
        String parents = "UPDATE `categories` AS t JOIN `panel_move_0` AS s ON t.`id` = s.`id` JOIN `panel_move_0_new` AS n "
                + "ON n.`id` = s.`id` SET t.`parent` = s.`parent`;";
        assertThat(skip).contains(fresh, insert, parents, "DROP TEMPORARY TABLE `panel_move_0_new`;");
        assertThat(skip.indexOf(fresh)).isLessThan(skip.indexOf(insert));
        assertThat(skip.indexOf(insert)).isLessThan(skip.indexOf(parents));
        assertThat(skip).as("the target's own rows are not written under skip").doesNotContain("SET t.`name`");
        String overwrite = load.apply(DbVendor.MYSQL, CairnMoveCommands.Conflict.OVERWRITE);
        assertThat(overwrite).contains("UPDATE `categories` AS t JOIN `panel_move_0` AS s ON t.`id` = s.`id` SET t.`name` = "
                + "s.`name`;", "UPDATE `categories` AS t JOIN `panel_move_0` AS s ON t.`id` = s.`id` SET t.`parent` = s.`parent`;");
        assertThat(overwrite.indexOf("SET t.`name`")).isLessThan(overwrite.indexOf("SELECT s.`id`, s.`name`, NULL"));
        String refuse = load.apply(DbVendor.MYSQL, CairnMoveCommands.Conflict.REFUSE);
        assertThat(refuse).contains("CREATE TEMPORARY TABLE `panel_move_0_new` AS SELECT s.`id` FROM `panel_move_0` AS s;");
        // negative control: PostgreSQL checks at the statement's end, one INSERT as for any table
        assertThat(load.apply(DbVendor.PGSQL, CairnMoveCommands.Conflict.SKIP)).contains("INSERT INTO public.\"categories\" "
                + "(\"id\", \"name\", \"parent\") SELECT s.\"id\", s.\"name\", s.\"parent\"").doesNotContain("_new");
    }

    @Test
    void mysqlAndSqliteUseTheirOwnDataOnlyDumps() {
        Plan mysql = plan(DbVendor.MYSQL, CairnMoveCommands.Conflict.REFUSE, "authors", "articles");
        StepSpec.Stream load = (StepSpec.Stream) step(mysql, CairnContentMoveFlow.LOAD).spec();
        assertThat(load.fromCommand()).startsWith("printf '%s\\n' 'START TRANSACTION;' 'CREATE TEMPORARY TABLE `panel_move_0` LIKE `authors`;'")
                .contains("MYSQL_PWD={{secret:db.password}} mysqldump -h '127.0.0.1' -P 3306 -u 'cms' --single-transaction "
                        + "--no-create-info --skip-triggers --skip-add-locks --skip-disable-keys --complete-insert --hex-blob "
                        + "--no-tablespaces 'cms_dev' 'authors' 'articles'")
                .contains("--where='`id` IN (SELECT `cover` FROM `articles` WHERE `cover` IS NOT NULL)' 'cms_dev' 'directus_files'")
                .endsWith("'COMMIT;'");
        assertThat(load.toCommand()).startsWith("sed -e 's/^INSERT INTO `authors` (/INSERT INTO `panel_move_0` (/'")
                .contains("-e 's/^INSERT INTO `directus_files` (/INSERT INTO `panel_move_files` (/'")
                .endsWith("| MYSQL_PWD={{secret:db.password}} mysql -h 'db.internal' -P 3306 -u 'cms' 'cms_prod'");
        // the merge's INSERTs are not renamed by that sed: none starts a line as the dump's do
        assertThat(load.fromCommand()).contains("'/* merge */ INSERT INTO `authors` (`id`, `name`, `user_created`) SELECT")
                .doesNotContain("' 'INSERT INTO");
        assertThat(mysql.steps()).extracting(Step::title).contains("Advance the key sequences");

        Plan sqlite = plan(DbVendor.SQLITE, CairnMoveCommands.Conflict.REFUSE, "authors", "articles");
        load = (StepSpec.Stream) step(sqlite, CairnContentMoveFlow.LOAD).spec();
        assertThat(load.fromCommand()).startsWith("printf '%s\\n' 'BEGIN;' 'CREATE TEMP TABLE panel_move_0 (\"id\" integer, "
                + "\"name\" character varying(255), \"user_created\" uuid);'")
                .contains("'.headers on' '.mode insert panel_move_0' 'SELECT \"id\", \"name\", \"user_created\" FROM \"authors\";'")
                .contains("| sqlite3 -readonly '/srv/dev/data.db' && ")
                .doesNotContain("{{secret");
        assertThat(load.toCommand()).isEqualTo("sqlite3 -bail -cmd '.timeout 30000' -cmd 'PRAGMA foreign_keys = ON;' '/srv/prod/data.db'");
    }

    @Test
    void junctionsMoveWhenEverySideDoesAndAMoveThatWouldCutOneIsNamed() {
        CairnMoveSchema.Shape shape = shape();
        assertThat(CairnMoveSchema.moved(shape, List.of("articles", "tags", "authors")))
                .containsExactly("authors", "articles", "tags", "articles_tags");
        assertThat(CairnMoveSchema.junctionsCut(shape, List.of("articles", "tags", "authors"))).isEmpty();
        assertThat(CairnMoveSchema.moved(shape, List.of("articles"))).containsExactly("articles");
        assertThat(CairnMoveSchema.junctionsCut(shape, List.of("articles")))
                .containsExactly("articles_tags (joins articles with tags)");
        assertThat(CairnMoveSchema.junctionsCut(shape, List.of("tags")))
                .containsExactly("articles_tags (joins articles with tags)");
        assertThat(CairnMoveSchema.junctionsCut(shape, List.of("articles_tags", "authors")))
                .as("a junction chosen alone").containsExactly("articles_tags (joins articles with tags)");
        assertThat(CairnMoveSchema.junctionsCut(shape, List.of("authors", "comments"))).isEmpty();
        assertThat(CairnMoveSchema.choices(shape)).as("junctions are not offered: they move with their sides")
                .contains("articles", "tags").doesNotContain("articles_tags");
        assertThat(CairnMoveSchema.referencesOutside(shape, List.of("articles"))).containsExactly("articles.author → authors");
        assertThat(CairnMoveSchema.referencesOutside(shape, List.of("comments"))).containsExactly("comments.article → articles");
        assertThat(CairnMoveSchema.fileFields(shape, List.of("authors"))).isEmpty();
        Plan noFiles = plan(DbVendor.PGSQL, CairnMoveCommands.Conflict.REFUSE, "authors");
        assertThat(step(noFiles, "Carry the referenced files' bytes").spec()).isInstanceOf(StepSpec.Note.class);
        assertThat(((StepSpec.Stream) step(noFiles, CairnContentMoveFlow.LOAD).spec()).fromCommand())
                .doesNotContain("directus_files");
    }

    @Test
    void schemaDifferencesAreListedOneByOne() {
        CairnMoveSchema.Table source = table("articles", "id", "id", "uuid", "title", "character varying(255)", "views", "integer");
        CairnMoveSchema.Table target = table("articles", "id", "id", "uuid", "title", "text", "extra", "integer");
        assertThat(CairnMoveSchema.differences(source, target)).containsExactly(
                "articles.title: character varying(255) on the source, text on the target",
                "articles.views: missing on the target", "articles.extra: on the target only");
        assertThat(CairnMoveSchema.differences(source, null)).containsExactly("articles: no such table on the target");
        assertThat(CairnMoveSchema.differences(source, source)).isEmpty();
    }

    @Test
    void optionsAreCheckedAndSystemTablesRefused() {
        CairnContentMoveFlow.Options options = CairnContentMoveFlow.options(Map.of("target", "7", "collections",
                " articles , authors,articles"));
        assertThat(options.collections()).containsExactly("articles", "authors");
        assertThat(options.conflict()).isEqualTo(CairnMoveCommands.Conflict.REFUSE);
        assertThat(CairnContentMoveFlow.options(Map.of("target", "7", "collections", "a", "conflict", "Overwrite"))
                .conflict()).isEqualTo(CairnMoveCommands.Conflict.OVERWRITE);
        assertThatThrownBy(() -> CairnContentMoveFlow.options(Map.of("target", "7", "collections", "articles,directus_users")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("directus_users is one of CairnCMS's own tables");
        assertThatThrownBy(() -> CairnContentMoveFlow.options(Map.of("target", "7", "collections", "art'; rm -rf /")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("letters, digits and _ only");
        assertThatThrownBy(() -> CairnContentMoveFlow.options(Map.of("target", "7", "collections", " , ")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("Choose at least one collection");
        assertThatThrownBy(() -> CairnContentMoveFlow.options(Map.of("target", "x", "collections", "a")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("target instance by its id");
        assertThatThrownBy(() -> CairnContentMoveFlow.options(Map.of("target", "7", "collections", "a", "conflict", "merge")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("refuse, skip or overwrite");
    }

    @Test
    void theRollbackRestoresTheBackupWithTheServiceStoppedAroundIt() {
        Plan plan = CairnMoveRollbackFlow.build(instance(2, "prod", true), facts(DbVendor.SQLITE).target(), 41, "artifact-1");
        assertThat(plan.steps()).extracting(Step::title).containsExactly("Prepare a private work directory",
                "Upload the DB backup taken by job #41", "Stop the target's service", "Restore the target's DB (SQLite)",
                "Remove the staged dump", "Start the target's service");
        assertThat(plan.steps().get(3).spec().display()).contains("sqlite3 -bail '/srv/prod/data.db.restoring'");
        Plan noCommands = CairnMoveRollbackFlow.build(instance(2, "prod", false), facts(DbVendor.PGSQL).target(), 41, "a");
        assertThat(noCommands.steps()).extracting(s -> s.spec().kind()).containsSubsequence(StepSpec.NOTE, StepSpec.REMOTE_COMMAND,
                StepSpec.REMOTE_COMMAND, StepSpec.NOTE);
    }

    /** PostgreSQL source, the target's facts on another vendor (its DB settings and the same tables). */
    static CairnContentMoveFlow.Facts crossFacts(DbVendor targetVendor) {
        CairnContentMoveFlow.Facts same = facts(DbVendor.PGSQL);
        DbSettings tdb = targetVendor == DbVendor.SQLITE ? new DbSettings(targetVendor, null, 0, null, null, null, "/srv/prod/data.db")
                : new DbSettings(targetVendor, "db.internal", targetVendor.defaultPort(), "cms_prod", "cms", "s3cret-prod", null);
        return new CairnContentMoveFlow.Facts(same.source(), new HostFacts("/home/ops", tdb), same.sourceShape(),
                same.targetShape(), same.sourceLocations(), same.targetLocations());
    }

    @Test
    void acrossVendorsTheRowsAreReplayedThroughTheItemsApiInDependencyOrderWithTheTokenByReference() {
        Plan plan = CairnContentMoveFlow.build(instance(1, "dev", false), instance(2, "prod", true),
                crossFacts(DbVendor.SQLITE), List.of("articles", "tags", "authors"), CairnMoveCommands.Conflict.SKIP,
                "0b6e1f6a-token-artifact");
        List<String> titles = plan.steps().stream().map(Step::title).toList();
        assertThat(titles).containsSubsequence(CairnContentMoveFlow.RECORD, "Dump the system DB (SQLite)",
                "Carry the referenced files' bytes of location local (stored on the way)", CairnContentMoveFlow.REPLAY_STOP,
                CairnContentMoveFlow.REPLAY_START, CairnContentMoveFlow.REPLAY, "Advance the key sequences", "Stop the target's service", "Start the target's service",
                CairnContentMoveFlow.VERIFY).doesNotContain(CairnContentMoveFlow.LOAD);
        StepSpec.Verify replay = (StepSpec.Verify) step(plan, CairnContentMoveFlow.REPLAY).spec();
        assertThat(replay.check()).isEqualTo(CairnContentReplay.ID);
        // referenced tables first, the junction after both its sides
        assertThat(replay.args()).containsEntry("tables", "authors,articles,tags,articles_tags")
                .containsEntry("credentials", "0b6e1f6a-token-artifact").containsEntry("conflict", "skip")
                .containsEntry("fileFields", "articles.cover");
        assertThat(replay.display()).contains("POST /files one row at a time", "POST /items/<collection> in batches of 100",
                "left as the target has them (skip)", "Authorization header only");
        assertThat(step(plan, CairnContentMoveFlow.REPLAY).changesInstance()).isTrue();
        assertThat(step(plan, CairnContentMoveFlow.REPLAY).instanceName()).isEqualTo("prod");
        assertThat(step(plan, "Advance the key sequences").spec()).as("SQLite advances its own counters").isInstanceOf(StepSpec.Note.class);
        assertThat(plan.options()).containsEntry("apiCredentials", "0b6e1f6a-token-artifact");
        // the file bytes still go verbatim by tar, the file list read with the source's vendor
        StepSpec.Stream bytes = (StepSpec.Stream) step(plan, "Carry the referenced files' bytes of location local").spec();
        assertThat(bytes.fromCommand()).contains("psql");
        for (Step step : plan.steps()) {
            assertThat(step.spec().display()).as("no secret in " + step.title()).doesNotContain("s3cret");
        }

        // a PostgreSQL target: its sequences are set after the replay
        Plan toPg = CairnContentMoveFlow.build(instance(1, "dev", false), instance(2, "prod", true),
                new CairnContentMoveFlow.Facts(new HostFacts("/h", new DbSettings(DbVendor.MYSQL, "a", 3306, "d", "u", "p", null)),
                        crossFacts(DbVendor.PGSQL).target(), shape(), shape(), List.of(), List.of()),
                List.of("authors"), CairnMoveCommands.Conflict.REFUSE, "0b6e1f6a-token-artifact");
        assertThat(((StepSpec.Sql) step(toPg, "Advance the key sequences").spec()).sql())
                .contains("pg_catalog.setval(pg_catalog.pg_get_serial_sequence('public.\"authors\"', 'id')");
        assertThat(step(toPg, CairnContentMoveFlow.REPLAY).spec().display()).contains("checked first: none may be there");
    }

    @Test
    void acrossVendorsASelfReferenceIsNamedToTheReplayAndTheProof() {
        CairnMoveSchema.Shape base = shape();
        Map<String, CairnMoveSchema.Table> tables = new LinkedHashMap<>(base.tables());
        tables.put("categories", table("categories", "id", "id", "integer", "name", "text", "parent", "integer"));
        List<CairnMoveSchema.Relation> relations = new ArrayList<>(base.relations());
        relations.add(new CairnMoveSchema.Relation("categories", "parent", "categories", null));
        CairnMoveSchema.Shape shape = new CairnMoveSchema.Shape(tables, relations);
        assertThat(CairnMoveSchema.selfReferences(shape, List.of("authors", "categories"))).containsExactly("categories.parent");
        assertThat(CairnMoveSchema.selfReferences(shape, List.of("authors"))).as("not moved: not named").isEmpty();
        assertThat(CairnMoveSchema.moved(shape, List.of("categories", "authors"))).containsExactly("categories", "authors");
        CairnContentMoveFlow.Facts cross = crossFacts(DbVendor.MYSQL);
        Plan plan = CairnContentMoveFlow.build(instance(1, "dev", false), instance(2, "prod", true),
                new CairnContentMoveFlow.Facts(cross.source(), cross.target(), shape, shape, cross.sourceLocations(),
                        cross.targetLocations()), List.of("categories", "authors"), CairnMoveCommands.Conflict.OVERWRITE,
                "0b6e1f6a-token-artifact");
        StepSpec.Verify replay = (StepSpec.Verify) step(plan, CairnContentMoveFlow.REPLAY).spec();
        assertThat(replay.args()).containsEntry("selfRefs", "categories.parent");
        assertThat(replay.display()).contains("categories.parent point(s) at its own table: its rows created parents first");
        assertThat(CairnContentMoveProof.Move.of(replay.args()).selfRefs()).containsEntry("categories", List.of("parent"));
        assertThat(((StepSpec.Verify) step(plan, CairnContentMoveFlow.VERIFY).spec()).args()).containsEntry("selfRefs",
                "categories.parent");
        assertThat(step(plan, "Advance the key sequences").spec()).as("MariaDB's auto_increment follows explicit keys")
                .isInstanceOf(StepSpec.Note.class);
        // negative control: without one, no such arg and nothing said
        StepSpec.Verify plain = (StepSpec.Verify) step(CairnContentMoveFlow.build(instance(1, "dev", false),
                instance(2, "prod", true), cross, List.of("authors"), CairnMoveCommands.Conflict.OVERWRITE, "0b6e1f6a-token-artifact"),
                CairnContentMoveFlow.REPLAY).spec();
        assertThat(plain.args()).doesNotContainKey("selfRefs");
        assertThat(plain.display()).doesNotContain("own table");
        assertThat(CairnContentMoveProof.Move.of(plain.args()).selfRefs()).isEmpty();
    }

    @Test
    void acrossVendorsOnlyNamesAndKeysMustMatchAndATokenIsAnOption() {
        CairnMoveSchema.Table pg = table("articles", "id", "id", "uuid", "published", "boolean");
        assertThat(CairnMoveSchema.crossVendorDifferences(pg, table("articles", "id", "id", "char(36)", "published", "tinyint(1)")))
                .isEmpty();
        assertThat(CairnMoveSchema.differences(pg, table("articles", "id", "id", "char(36)", "published", "tinyint(1)")))
                .as("the same-vendor check does compare types").hasSize(2);
        assertThat(CairnMoveSchema.crossVendorDifferences(pg, table("articles", "id", "id", "char(36)")))
                .containsExactly("articles.published: missing on the target");
        assertThat(CairnMoveSchema.crossVendorDifferences(pg, null)).containsExactly("articles: no such table on the target");
        assertThat(CairnContentMoveFlow.options(Map.of("target", "7", "collections", "a", "apiCredentials",
                "0b6e1f6a-aaaa")).credentials()).isEqualTo("0b6e1f6a-aaaa");
        assertThat(CairnContentMoveFlow.options(Map.of("target", "7", "collections", "a")).credentials()).isNull();
        assertThatThrownBy(() -> CairnContentMoveFlow.options(Map.of("target", "7", "collections", "a", "apiCredentials",
                "Bearer abc; rm")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("The API token given for the target is not valid");
    }
}
