package dev.migrationpanel.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

/**
 * Two steps side by side, as a value: which shapes a plan accepts, what the review shows ("runs beside step N"),
 * and that the flag is part of the digest a start must present.
 */
class StepsBesidePlanTest {

    private final FlowService digests = new FlowService(List.of(), null, null, null, JsonMapper.builder().build());

    private static Step command(String title) {
        return new Step(title, 1L, "df", false, new StepSpec.RemoteCommand("echo " + title), Duration.ofSeconds(30), null);
    }

    private static Plan plan(Step... steps) {
        return new Plan("test.beside", "Beside", 1L, "df", List.of(steps));
    }

    @Test
    void aStepMarkedBesideRunsWithTheNextOneAndTheReviewSaysSo() {
        Plan plan = plan(command("a"), command("b").besideTheNext(), command("c"), command("d"));
        assertThat(plan.steps()).extracting(Step::besideNext).containsExactly(false, true, false, false);
        assertThat(plan.besideStep(0)).isNull();
        assertThat(plan.besideStep(1)).as("step 2 runs beside step 3").isEqualTo(3);
        assertThat(plan.besideStep(2)).as("step 3 runs beside step 2").isEqualTo(2);
        assertThat(plan.besideStep(3)).isNull();
        // the short constructor keeps a step on its own
        assertThat(command("x").besideNext()).isFalse();
        assertThat(command("x").besideTheNext()).isEqualTo(new Step("x", 1L, "df", false,
                new StepSpec.RemoteCommand("echo x"), Duration.ofSeconds(30), null, true));
    }

    @Test
    void refusesAPairWithoutPartnerAChainAGateOrAStepTakingItsPartnersArtifact() {
        assertThatThrownBy(() -> plan(command("a"), command("b").besideTheNext()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Step 2 runs beside the next step, and there is none");
        assertThatThrownBy(() -> plan(command("a").besideTheNext(), command("b").besideTheNext(), command("c")))
                .hasMessageContaining("only two steps run side by side");
        Step gate = new Step("Confirm", null, null, false, new StepSpec.Gate("Go?"), Duration.ofHours(1), null);
        assertThatThrownBy(() -> plan(command("a").besideTheNext(), gate)).hasMessageContaining("gate");
        assertThatThrownBy(() -> plan(gate.besideTheNext(), command("b"))).hasMessageContaining("gate");
        Step download = new Step("Get", 1L, "df", false, new StepSpec.Download("/x", "x.sql", "DB_DUMP", true),
                Duration.ofSeconds(30), null);
        Step upload = new Step("Put", 2L, "df2", false, new StepSpec.Upload(0, "/y"), Duration.ofSeconds(30), null);
        assertThatThrownBy(() -> plan(download.besideTheNext(), upload)).hasMessageContaining("sends its artifact");
        // negative controls: the same steps one after another, and an upload of another step's artifact beside
        assertThat(plan(download, upload).steps()).hasSize(2);
        assertThat(plan(download, command("a").besideTheNext(), upload).steps()).hasSize(3);
        assertThat(plan(command("a").besideTheNext(), command("b"), command("c").besideTheNext(), command("d"))
                .steps()).filteredOn(Step::besideNext).hasSize(2);
    }

    @Test
    void theDigestIncludesTheFlagAndAPlanWithoutPairsKeepsItsDigest() {
        Plan apart = plan(command("a"), command("b"));
        Plan beside = plan(command("a").besideTheNext(), command("b"));
        assertThat(digests.digest(beside)).isNotEqualTo(digests.digest(apart));
        assertThat(digests.digest(plan(command("a").besideTheNext(), command("b")))).isEqualTo(digests.digest(beside));
        // the digest of a plan without a pair is what it was before steps could run side by side
        assertThat(digests.digest(apart)).isEqualTo(sha256("[[\"a\",\"1\",\"false\",\"{\\\"kind\\\":\\\"remote-command\\\","
                + "\\\"command\\\":\\\"echo a\\\"}\",\"30\",\"null\"],[\"b\",\"1\",\"false\",\"{\\\"kind\\\":\\\"remote-command\\\","
                + "\\\"command\\\":\\\"echo b\\\"}\",\"30\",\"null\"]]"));
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
