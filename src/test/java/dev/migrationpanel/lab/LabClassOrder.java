package dev.migrationpanel.lab;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The order failsafe's two threads take the lab test classes in (pom.xml). The classes locking
 * {@link LabLocks#CAIRNCMS} run one after the other, for most of the run (about 20 minutes on 2 cores): they come
 * first, so that one thread starts on them while the other runs everything else beside them. JUnit's executor forks
 * the classes in this order: the second thread takes them from the first, the thread that forked them runs them from
 * the last. The class that locks only {@link LabLocks#CAIRNCMS_DOCKER} comes last, to run early beside the CairnCMS
 * chain, whose classes locking the Docker instances too come at its end. The rest keep their order ({@code List.sort}
 * is stable); {@code @Isolated} classes run after all others whatever their place.
 */
public class LabClassOrder implements ClassOrderer {

    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator.comparingInt(d -> rank(d.getTestClass())));
    }

    static int rank(Class<?> type) {
        Set<String> locks = Arrays.stream(type.getAnnotationsByType(ResourceLock.class)).map(ResourceLock::value)
                .collect(Collectors.toSet());
        boolean cairn = locks.contains(LabLocks.CAIRNCMS);
        boolean cairnDocker = locks.contains(LabLocks.CAIRNCMS_DOCKER);
        if (cairn) {
            return cairnDocker ? 1 : 0;
        }
        return cairnDocker ? 3 : 2;
    }
}
