package dev.migrationpanel.cairncms;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.migrationpanel.cairncms.CairnReplayValues.Kind;
import tools.jackson.databind.JsonNode;

/**
 * A cross-vendor move's values: the kind of a column from both sides' declared types, the same value as two vendors
 * print it compared equal and a different one not (negative controls), and the API's types from the DB's text.
 */
class CairnReplayValuesTest {

    @Test
    void kindsComeFromEitherSidesDeclaredType() {
        assertThat(CairnReplayValues.kind("boolean", "tinyint(1)")).isEqualTo(Kind.BOOLEAN);
        assertThat(CairnReplayValues.kind("boolean", "boolean")).isEqualTo(Kind.BOOLEAN);
        assertThat(CairnReplayValues.kind("json", "longtext")).isEqualTo(Kind.JSON);
        assertThat(CairnReplayValues.kind("timestamp with time zone", "datetime")).isEqualTo(Kind.INSTANT);
        assertThat(CairnReplayValues.kind("integer", "int(10) unsigned")).isEqualTo(Kind.INTEGER);
        assertThat(CairnReplayValues.kind("numeric(10,2)", "decimal(10,2)")).isEqualTo(Kind.NUMBER);
        assertThat(CairnReplayValues.kind("character varying(255)", "varchar(255)")).isEqualTo(Kind.TEXT);
        assertThat(CairnReplayValues.kind("uuid", "char(36)")).isEqualTo(Kind.TEXT);
        assertThat(CairnReplayValues.kind("integer", "text")).as("an integer on one side only is text").isEqualTo(Kind.TEXT);
    }

    @Test
    void theSameValueAsTwoVendorsPrintItComparesEqualAndAnotherDoesNot() {
        assertThat(CairnReplayValues.normal(Kind.BOOLEAN, "t")).isEqualTo(CairnReplayValues.normal(Kind.BOOLEAN, "1"))
                .isEqualTo(CairnReplayValues.normal(Kind.BOOLEAN, "true")).isEqualTo("true");
        assertThat(CairnReplayValues.normal(Kind.BOOLEAN, "f")).isNotEqualTo(CairnReplayValues.normal(Kind.BOOLEAN, "1"));
        assertThat(CairnReplayValues.normal(Kind.NUMBER, "10.50")).isEqualTo(CairnReplayValues.normal(Kind.NUMBER, "10.5"));
        assertThat(CairnReplayValues.normal(Kind.NUMBER, "0.00")).isEqualTo("0");
        assertThat(CairnReplayValues.normal(Kind.INTEGER, "42")).isNotEqualTo(CairnReplayValues.normal(Kind.INTEGER, "43"));
        assertThat(CairnReplayValues.normal(Kind.JSON, "{\"b\": [1, 2], \"a\": null}"))
                .isEqualTo(CairnReplayValues.normal(Kind.JSON, "{\"a\":null,\"b\":[1,2]}"));
        assertThat(CairnReplayValues.normal(Kind.JSON, "{\"a\": 1}")).isNotEqualTo(CairnReplayValues.normal(Kind.JSON, "{\"a\": 2}"));
        // PostgreSQL's timestamptz, MariaDB's UTC datetime, SQLite's epoch milliseconds, ISO: one instant
        String pg = CairnReplayValues.normal(Kind.INSTANT, "2024-05-01 10:00:00+00");
        assertThat(CairnReplayValues.normal(Kind.INSTANT, "2024-05-01 10:00:00")).isEqualTo(pg);
        assertThat(CairnReplayValues.normal(Kind.INSTANT, "1714557600000")).isEqualTo(pg);
        assertThat(CairnReplayValues.normal(Kind.INSTANT, "2024-05-01T12:00:00.000+02:00")).isEqualTo(pg);
        assertThat(CairnReplayValues.normal(Kind.INSTANT, "2024-05-01T10:00:00Z")).isEqualTo(pg).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(CairnReplayValues.normal(Kind.INSTANT, "2024-05-01 10:00:01+00")).isNotEqualTo(pg);
        assertThat(CairnReplayValues.normal(Kind.INSTANT, "2024-05-01 10:00:00.123456+00"))
                .as("to the millisecond").isEqualTo("2024-05-01T10:00:00.123Z");
        assertThat(CairnReplayValues.normal(Kind.TEXT, "Ada")).isNotEqualTo(CairnReplayValues.normal(Kind.TEXT, "ada"));
        assertThat(CairnReplayValues.normal(Kind.INSTANT, null)).isNull();
        assertThat(CairnReplayValues.normal(Kind.INSTANT, "not a date")).as("kept as it is").isEqualTo("not a date");
    }

    @Test
    void anInstantIsComparedToTheSecondWhereMariadbKeepsNoFiner() {
        assertThat(CairnReplayValues.wholeSeconds(dev.migrationpanel.database.DbVendor.MYSQL, "timestamp")).isTrue();
        assertThat(CairnReplayValues.wholeSeconds(dev.migrationpanel.database.DbVendor.MYSQL, "datetime")).isTrue();
        assertThat(CairnReplayValues.wholeSeconds(dev.migrationpanel.database.DbVendor.MYSQL, "timestamp(3)")).isFalse();
        assertThat(CairnReplayValues.wholeSeconds(dev.migrationpanel.database.DbVendor.SQLITE, "datetime")).isFalse();
        assertThat(CairnReplayValues.wholeSeconds(dev.migrationpanel.database.DbVendor.PGSQL, "timestamp with time zone")).isFalse();
        // PostgreSQL's microseconds against MariaDB's truncated second: equal; another second: not
        assertThat(CairnReplayValues.normal(Kind.INSTANT_SECONDS, "2026-12-06 18:12:01.987654+00"))
                .isEqualTo(CairnReplayValues.normal(Kind.INSTANT_SECONDS, "2026-12-06 18:12:01")).isEqualTo("2026-12-06T18:12:01Z");
        assertThat(CairnReplayValues.normal(Kind.INSTANT_SECONDS, "2026-12-06 18:12:02"))
                .isNotEqualTo(CairnReplayValues.normal(Kind.INSTANT_SECONDS, "2026-12-06 18:12:01.987654+00"));
        assertThat(CairnReplayValues.normal(Kind.INSTANT, "2026-12-06 18:12:01.987654+00")).as("elsewhere to the millisecond")
                .isNotEqualTo(CairnReplayValues.normal(Kind.INSTANT, "2026-12-06 18:12:01"));

        CairnMoveSchema.Shape pg = new CairnMoveSchema.Shape(Map.of("directus_files", new CairnMoveSchema.Table("directus_files",
                List.of(new CairnMoveSchema.Column("id", "uuid"), new CairnMoveSchema.Column("uploaded_on", "timestamp with time zone")),
                "id")), List.of());
        CairnMoveSchema.Shape maria = new CairnMoveSchema.Shape(Map.of("directus_files", new CairnMoveSchema.Table("directus_files",
                List.of(new CairnMoveSchema.Column("id", "char(36)"), new CairnMoveSchema.Column("uploaded_on", "timestamp")),
                "id")), List.of());
        CairnMoveSchema.Shape lite = new CairnMoveSchema.Shape(Map.of("directus_files", new CairnMoveSchema.Table("directus_files",
                List.of(new CairnMoveSchema.Column("id", "char(36)"), new CairnMoveSchema.Column("uploaded_on", "datetime")),
                "id")), List.of());
        CairnContentMoveProof.Compare toMaria = CairnContentMoveProof.Compare.of(dev.migrationpanel.database.DbVendor.PGSQL,
                dev.migrationpanel.database.DbVendor.MYSQL, pg, maria, Map.of());
        assertThat(toMaria.kinds("directus_files")).containsEntry("uploaded_on", Kind.INSTANT_SECONDS);
        assertThat(toMaria.notCompared("directus_files")).contains("uploaded_on compared to the second");
        CairnContentMoveProof.Compare toLite = CairnContentMoveProof.Compare.of(dev.migrationpanel.database.DbVendor.PGSQL,
                dev.migrationpanel.database.DbVendor.SQLITE, pg, lite, Map.of());
        assertThat(toLite.kinds("directus_files")).containsEntry("uploaded_on", Kind.INSTANT);
        assertThat(toLite.notCompared("directus_files")).isEmpty();
        // the proof names the columns a row differs in
        assertThat(CairnContentMoveProof.differing(Map.of("id", "1", "uploaded_on", "2026-12-06 18:12:01.5+00"),
                Map.of("id", "1", "uploaded_on", "2026-12-06 18:12:01"), List.of("id", "uploaded_on"),
                toMaria.kinds("directus_files"))).isEmpty();
        assertThat(CairnContentMoveProof.differing(Map.of("id", "1", "uploaded_on", "2026-12-06 18:12:01.5+00"),
                Map.of("id", "1", "uploaded_on", "2026-12-06 18:12:01"), List.of("id", "uploaded_on"),
                toLite.kinds("directus_files"))).containsExactly("uploaded_on");
    }

    @Test
    void rowHashesOfTheSameRowFromTwoVendorsAreEqualAndDifferOnAnyValue() {
        List<String> columns = List.of("id", "published", "metadata", "published_at");
        Map<String, Kind> kinds = Map.of("id", Kind.INTEGER, "published", Kind.BOOLEAN, "metadata", Kind.JSON,
                "published_at", Kind.INSTANT);
        Map<String, String> pg = Map.of("id", "1", "published", "t", "metadata", "{\"x\": 1}", "published_at",
                "2024-05-01 10:00:00+00");
        Map<String, String> sqlite = Map.of("id", "1", "published", "1", "metadata", "{\"x\":1}", "published_at",
                "1714557600000");
        assertThat(CairnContentMoveProof.rowHash(pg, columns, kinds)).isEqualTo(CairnContentMoveProof.rowHash(sqlite, columns, kinds));
        Map<String, String> other = new java.util.HashMap<>(sqlite);
        other.put("published", "0");
        assertThat(CairnContentMoveProof.rowHash(pg, columns, kinds)).isNotEqualTo(CairnContentMoveProof.rowHash(other, columns, kinds));
        assertThat(CairnContentMoveProof.rowHash(pg, columns, Map.of()))
                .as("without kinds (one vendor) the text is compared as it is").isNotEqualTo(CairnContentMoveProof.rowHash(sqlite, columns, Map.of()));
    }

    @Test
    void apiValuesAreTheFieldTypesOwn() {
        assertThat(CairnReplayValues.toApi("integer", "42")).isEqualTo(BigInteger.valueOf(42));
        assertThat(CairnReplayValues.toApi("boolean", "t")).isEqualTo(true);
        assertThat(CairnReplayValues.toApi("boolean", "0")).isEqualTo(false);
        assertThat(CairnReplayValues.toApi("json", "{\"a\": [1]}")).isInstanceOf(JsonNode.class)
                .satisfies(n -> assertThat(((JsonNode) n).get("a").get(0).asInt()).isEqualTo(1));
        assertThat(CairnReplayValues.toApi("timestamp", "2024-05-01 10:00:00+00")).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(CairnReplayValues.toApi("timestamp", "1714557600000")).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(CairnReplayValues.toApi("dateTime", "2024-05-01 10:00:00")).isEqualTo("2024-05-01T10:00");
        assertThat(CairnReplayValues.toApi("date", "2024-05-01")).isEqualTo("2024-05-01");
        assertThat(CairnReplayValues.toApi("uuid", "0b6e…")).isEqualTo("0b6e…");
        assertThat(CairnReplayValues.toApi("integer", "x1")).as("sent as text: the API says what it refuses").isEqualTo("x1");
        assertThat(CairnReplayValues.toApi("string", null)).isNull();
    }

    private static Map<String, Object> category(int id, Integer parent) {
        Map<String, Object> row = new java.util.LinkedHashMap<>();
        row.put("id", BigInteger.valueOf(id));
        row.put("name", "c" + id);
        row.put("parent", parent == null ? null : BigInteger.valueOf(parent));
        return row;
    }

    private static List<Object> ids(List<Map<String, Object>> rows) {
        return rows.stream().map(r -> (Object) ((BigInteger) r.get("id")).intValue()).toList();
    }

    @Test
    void aTableThatPointsAtItselfIsCreatedParentsFirstAndACycleIsSetAfter() {
        // 1 and 2 under 3, 3 under 4 (parents later in key order), 5 alone, 6 under 3 (an earlier parent)
        List<Map<String, Object>> rows = List.of(category(1, 3), category(2, 3), category(3, 4), category(4, null),
                category(5, null), category(6, 3));
        CairnContentReplay.TreeOrder tree = CairnContentReplay.treeOrder(rows, "id", List.of("parent"), java.util.Set.of());
        assertThat(ids(tree.rows())).containsExactly(4, 3, 1, 2, 5, 6);
        assertThat(tree.later()).as("a tree needs no second write").isEmpty();
        assertThat(tree.rows()).allSatisfy(r -> assertThat(r).containsKeys("id", "name", "parent"));
        assertThat(tree.rows().get(1)).containsEntry("parent", BigInteger.valueOf(4));
        // every row after the one it points at: the check a foreign key makes on each insert
        java.util.Set<Object> created = new java.util.HashSet<>();
        for (Map<String, Object> row : tree.rows()) {
            assertThat(row.get("parent") == null || created.contains(row.get("parent"))).as(row.toString()).isTrue();
            created.add(row.get("id"));
        }

        // negative control: without the self reference named, the key order stays (and 1 would come before 3)
        assertThat(ids(CairnContentReplay.treeOrder(rows, "id", List.of(), java.util.Set.of()).rows()))
                .containsExactly(1, 2, 3, 4, 5, 6);

        // a parent the target already has is no reason to wait
        CairnContentReplay.TreeOrder present = CairnContentReplay.treeOrder(List.of(category(1, 9), category(2, 1)), "id",
                List.of("parent"), java.util.Set.of("9"));
        assertThat(ids(present.rows())).containsExactly(1, 2);
        assertThat(present.later()).isEmpty();

        // a cycle (7 → 8 → 7) and a row pointing at itself: created without it, set after by the key
        CairnContentReplay.TreeOrder cycle = CairnContentReplay.treeOrder(List.of(category(7, 8), category(8, 7),
                category(9, 9)), "id", List.of("parent"), java.util.Set.of());
        assertThat(ids(cycle.rows())).containsExactly(9, 7, 8);
        assertThat(cycle.rows().get(0)).containsEntry("parent", null);
        assertThat(cycle.rows().get(1)).containsEntry("parent", null);
        assertThat(cycle.rows().get(2)).containsEntry("parent", BigInteger.valueOf(7));
        assertThat(cycle.later()).containsExactly(Map.of("id", BigInteger.valueOf(9), "parent", BigInteger.valueOf(9)),
                Map.of("id", BigInteger.valueOf(7), "parent", BigInteger.valueOf(8)));
        assertThat(rows.get(0)).as("the rows given are not changed").containsEntry("parent", BigInteger.valueOf(3));
    }

    @Test
    void batchesCutAListInOrder() {
        assertThat(CairnContentReplay.batches(List.of(1, 2, 3, 4, 5), 2)).containsExactly(List.of(1, 2), List.of(3, 4), List.of(5));
        assertThat(CairnContentReplay.batches(List.of(), 2)).isEmpty();
    }
}
