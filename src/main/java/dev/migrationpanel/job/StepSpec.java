package dev.migrationpanel.job;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import dev.migrationpanel.remote.SecretRefs;

/**
 * What one step does, as a value: easy to show for review, store with the job, compare in a test, and
 * hand to its executor. Secrets never appear in a spec: a command refers to one as {@link SecretRefs} says
 * ({@code {{secret:db.password}}}, bare), resolved against the step's instance only when the step runs.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = StepSpec.RemoteCommand.class, name = StepSpec.REMOTE_COMMAND),
        @JsonSubTypes.Type(value = StepSpec.Download.class, name = StepSpec.DOWNLOAD),
        @JsonSubTypes.Type(value = StepSpec.Upload.class, name = StepSpec.UPLOAD),
        @JsonSubTypes.Type(value = StepSpec.Stream.class, name = StepSpec.STREAM),
        @JsonSubTypes.Type(value = StepSpec.Sql.class, name = StepSpec.SQL),
        @JsonSubTypes.Type(value = StepSpec.HttpCheck.class, name = StepSpec.HTTP_CHECK),
        @JsonSubTypes.Type(value = StepSpec.Gate.class, name = StepSpec.GATE),
        @JsonSubTypes.Type(value = StepSpec.Verify.class, name = StepSpec.VERIFY),
        @JsonSubTypes.Type(value = StepSpec.Note.class, name = StepSpec.NOTE)})
public sealed interface StepSpec {

    String REMOTE_COMMAND = "remote-command";
    String DOWNLOAD = "download";
    String UPLOAD = "upload";
    String STREAM = "stream";
    String SQL = "sql";
    String HTTP_CHECK = "http-check";
    String GATE = "gate";
    String NOTE = "note";
    String VERIFY = "verify";

    String kind();

    /** Exactly what will run, as the admin reviews it, secrets as {@code ****}. */
    String display();

    static String hideSecrets(String text) {
        return SecretRefs.hide(text);
    }

    static java.util.List<String> secretNames(String text) {
        return SecretRefs.names(text);
    }

    static String withSecrets(String text, java.util.function.Function<String, String> resolver) {
        return SecretRefs.replace(text, resolver);
    }

    /** A command line run over SSH on the step's instance, in its own process group. */
    record RemoteCommand(String command) implements StepSpec {
        public String kind() { return REMOTE_COMMAND; }
        public String display() { return hideSecrets(command); }
    }

    /** A remote file streamed by SFTP into the artifact store. */
    record Download(String remotePath, String artifactName, String artifactKind, boolean secret) implements StepSpec {
        public String kind() { return DOWNLOAD; }
        public String display() {
            return "sftp get " + remotePath + " → artifact " + artifactName + (secret ? " (encrypted)" : "");
        }
    }

    /**
     * An artifact streamed by SFTP to a remote path: the one an earlier step of the same job made, or, when
     * {@code artifactId} is given, that artifact (e.g. the dump an earlier job took, for a rollback).
     */
    record Upload(int fromStep, String artifactId, String remotePath) implements StepSpec {
        public Upload(int fromStep, String remotePath) {
            this(fromStep, null, remotePath);
        }

        public String kind() { return UPLOAD; }
        public String display() {
            return "sftp put " + (artifactId != null ? "artifact " + artifactId : "artifact of step " + (fromStep + 1))
                    + " → " + remotePath;
        }
    }

    /**
     * One command's output carried through the panel into another command's input, both running at once, a
     * copy kept in the artifact store on the way (a migration's dump on its source, imported on its target as
     * it arrives): nothing is staged on either host. The step's instance runs {@code toCommand}; the sending
     * side's secrets are its own ({@code {{secret:db.password}}} is the password of {@code fromInstance}).
     * If either side fails, the other is stopped, and the receiving side never sees its input end.
     */
    record Stream(long fromInstance, String fromName, String fromCommand, String toCommand, String artifactName,
                  String artifactKind, boolean secret) implements StepSpec {
        public String kind() { return STREAM; }
        public String display() {
            return "on " + fromName + ": " + hideSecrets(fromCommand) + "\n  | through the panel, stored as artifact "
                    + artifactName + (secret ? " (encrypted)" : "") + " with its SHA-256\n  | into: "
                    + hideSecrets(toCommand);
        }
    }

    /** SQL against the instance's system DB; a query logs its rows, a script runs statement by statement. */
    record Sql(String sql, boolean query) implements StepSpec {
        public String kind() { return SQL; }
        public String display() { return hideSecrets(sql); }
    }

    /** An HTTP GET whose status (and, if given, body) must be what is expected. */
    record HttpCheck(String url, int expectedStatus, String bodyContains) implements StepSpec {
        public String kind() { return HTTP_CHECK; }
        public String display() {
            return "GET " + url + " → expect " + expectedStatus
                    + (bodyContains == null || bodyContains.isEmpty() ? "" : " and a body containing \"" + bodyContains + "\"");
        }
    }

    /**
     * A step of the vendor procedure that this plan does not run, and why (an option turned it off, nothing
     * is configured for it). It is shown and logged, so no step is ever skipped silently.
     */
    record Note(String text) implements StepSpec {
        public String kind() { return NOTE; }
        public String display() { return "(nothing runs) " + text; }
    }

    /** Pauses the job until an admin clicks continue. */
    record Gate(String prompt) implements StepSpec {
        public String kind() { return GATE; }
        public String display() { return "Wait for confirmation: " + prompt; }
    }

    /**
     * A check the panel itself runs (a {@link JobCheck} a product contributes, found by its id), e.g. comparing
     * two DBs table by table. It reads and reports; it fails the step when what it proves does not hold.
     *
     * @param description what it checks, as the admin reviews it
     * @param args        plain values only (instance ids, table names): never a secret
     */
    record Verify(String check, String description, java.util.Map<String, String> args) implements StepSpec {
        public Verify {
            args = args == null ? java.util.Map.of() : java.util.Map.copyOf(new java.util.TreeMap<>(args));
        }

        public String kind() { return VERIFY; }
        public String display() { return "(panel check) " + description; }
    }
}
