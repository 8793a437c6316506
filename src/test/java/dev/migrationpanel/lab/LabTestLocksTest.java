package dev.migrationpanel.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.RegexPatternTypeFilter;

/**
 * The lab and browser test classes run two at a time (pom.xml): each must say what of the lab it changes (a
 * {@link LabLocks} lock), or that it must run alone ({@link Isolated}), or that it uses nothing of the lab
 * ({@code @Execution(CONCURRENT)}). A new class that says none of these would run beside any other, unnoticed.
 */
class LabTestLocksTest {

    @Test
    void everyLabAndBrowserTestClassSaysWhatItLocksOrThatItRunsAlone() throws Exception {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new RegexPatternTypeFilter(Pattern.compile(".*IT")));
        List<Class<?>> classes = new ArrayList<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents("dev.migrationpanel")) {
            classes.add(Class.forName(candidate.getBeanClassName()));
        }
        assertThat(classes).as("the lab and browser test classes found").hasSizeGreaterThan(20);
        assertThat(undeclared(classes)).as("classes with none (or more than one) of: @ResourceLock(LabLocks.…), "
                + "@Isolated, @Execution(CONCURRENT)").isEmpty();
    }

    @Test
    void aClassSayingNoneOrTwoOrNamingAnotherLockIsFound() {
        assertThat(undeclared(List.of(SaysNothing.class, UnknownLock.class, LockedAndAlone.class, Locked.class,
                Alone.class, Free.class))).containsExactly("SaysNothing", "UnknownLock", "LockedAndAlone");
    }

    @Test
    void theCairnCmsChainIsOrderedFirstItsDockerClassesAtItsEndAndTheClassLockingOnlyTheDockerInstancesLast() throws Exception {
        assertThat(LabClassOrder.rank(Class.forName("dev.migrationpanel.cairncms.CairnCloneLabIT"))).isZero();
        assertThat(LabClassOrder.rank(Locked.class)).as("CairnCMS and its Docker instances").isEqualTo(1);
        assertThat(List.of(Alone.class, Free.class, Class.forName("dev.migrationpanel.fief.FiefConsolidationLabIT")))
                .allSatisfy(c -> assertThat(LabClassOrder.rank(c)).isEqualTo(2));
        assertThat(LabClassOrder.rank(Class.forName("dev.migrationpanel.cairncms.CairnDockerTargetLabIT"))).isEqualTo(3);
    }

    /** The simple names of the classes that do not say exactly one of: their lab locks, alone, nothing of the lab. */
    static List<String> undeclared(List<Class<?>> classes) {
        Set<String> locks = Arrays.stream(LabLocks.class.getFields()).filter(f -> Modifier.isStatic(f.getModifiers()))
                .map(LabTestLocksTest::value).collect(Collectors.toSet());
        List<String> undeclared = new ArrayList<>();
        for (Class<?> type : classes) {
            ResourceLock[] declared = type.getAnnotationsByType(ResourceLock.class);
            Execution execution = type.getAnnotation(Execution.class);
            boolean locked = declared.length > 0;
            boolean alone = type.isAnnotationPresent(Isolated.class);
            boolean free = execution != null && execution.value() == ExecutionMode.CONCURRENT;
            boolean known = Arrays.stream(declared).allMatch(l -> locks.contains(l.value()));
            if ((locked ? 1 : 0) + (alone ? 1 : 0) + (free ? 1 : 0) != 1 || !known) {
                undeclared.add(type.getSimpleName());
            }
        }
        return undeclared;
    }

    private static String value(Field field) {
        try {
            return (String) field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    static class SaysNothing {
    }

    @ResourceLock("lab.something-else")
    static class UnknownLock {
    }

    @ResourceLock(LabLocks.FIEF)
    @Isolated
    static class LockedAndAlone {
    }

    @ResourceLock(LabLocks.CAIRNCMS)
    @ResourceLock(LabLocks.CAIRNCMS_DOCKER)
    static class Locked {
    }

    @Isolated
    static class Alone {
    }

    @Execution(ExecutionMode.CONCURRENT)
    static class Free {
    }
}
