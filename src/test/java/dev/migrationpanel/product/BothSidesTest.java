package dev.migrationpanel.product;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.migrationpanel.web.InvalidInputException;

class BothSidesTest {

    @AfterEach
    void signOut() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void theTwoReadsRunAtOnce() {
        // each read waits until both have begun: read one after the other, neither would see the other begin
        CountDownLatch begun = new CountDownLatch(2);
        BothSides.Read<Boolean, Boolean> read = BothSides.read(() -> meet(begun), () -> meet(begun));
        assertThat(read.source()).as("the source's read saw the target's begin").isTrue();
        assertThat(read.target()).as("the target's read saw the source's begin").isTrue();
    }

    private static boolean meet(CountDownLatch begun) {
        begun.countDown();
        try {
            return begun.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void aReadsFailureIsThrownAsTheReadThrewItTheSourcesFirst() {
        assertThatThrownBy(() -> BothSides.read(() -> "source", () -> {
            throw InvalidInputException.of("target", "the target's .env cannot be read");
        })).isInstanceOf(InvalidInputException.class).hasMessageContaining("the target's .env cannot be read");

        assertThatThrownBy(() -> BothSides.read(() -> {
            throw new IllegalStateException("the source is unreachable");
        }, () -> {
            throw new IllegalArgumentException("the target is unreachable too");
        })).isInstanceOf(IllegalStateException.class).hasMessage("the source is unreachable");
    }

    @Test
    void theTargetIsReadAsTheAdminWhoAsked() {
        SecurityContextHolder.getContext().setAuthentication(new UsernamePasswordAuthenticationToken("ops-admin", null,
                AuthorityUtils.createAuthorityList("ROLE_ADMIN")));
        BothSides.Read<String, String> read = BothSides.read(() -> Thread.currentThread().getName(), () -> {
            var auth = SecurityContextHolder.getContext().getAuthentication();
            return Thread.currentThread().getName() + " as " + (auth == null ? "nobody" : auth.getName());
        });
        assertThat(read.target()).startsWith("side-read-").endsWith(" as ops-admin");
        assertThat(read.source()).isEqualTo(Thread.currentThread().getName());
    }
}
