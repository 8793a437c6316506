package dev.migrationpanel.lab;

/**
 * The parts of the test lab that lab test classes lock while they run ({@code @ResourceLock(LabLocks.…)}). Failsafe runs
 * two test classes at a time (JUnit's parallel execution, configured in pom.xml): two classes holding the same lock never
 * run side by side. Every lab or browser test class declares the locks of what it resets, stops or changes, or is
 * {@code @Isolated} when it touches what every other test uses (the lab users' SSH sessions, the JVM's output, timing
 * bounds). A class that uses nothing of the lab (the panel in-process, a browser) says so with
 * {@code @Execution(ExecutionMode.CONCURRENT)}. {@code LabTestLocksTest} checks that no class is left without one of
 * the three.
 */
public final class LabLocks {

    /** DreamFactory's installs on the host (df-*, up-*, ms-*, mt-*, their databases and apps), in Docker (dk-*, dkt-*) and the scratch servers. */
    public static final String DREAMFACTORY = "lab.dreamfactory";
    /** CairnCMS's instances on the host (cs-*, ct-*): their services, databases and storage. */
    public static final String CAIRNCMS = "lab.cairncms";
    /** CairnCMS's instances in Docker (cd-pgsql, cdt-pgsql). */
    public static final String CAIRNCMS_DOCKER = "lab.cairncms-docker";
    /** Fief's instances (fief-*, on the host and in Docker). */
    public static final String FIEF = "lab.fief";
    /** The lab's SMTP server and its Maildir. */
    public static final String SMTP = "lab.smtp";

    private LabLocks() {
    }
}
