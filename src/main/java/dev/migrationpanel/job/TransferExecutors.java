package dev.migrationpanel.job;

import static dev.migrationpanel.remote.ShellQuote.quote;

import java.io.IOException;
import java.io.InputStream;
import java.util.Comparator;
import java.util.Locale;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.migrationpanel.artifact.Artifact;
import dev.migrationpanel.artifact.ArtifactException;
import dev.migrationpanel.artifact.ArtifactKind;
import dev.migrationpanel.artifact.ArtifactSpec;
import dev.migrationpanel.artifact.ArtifactStore;
import dev.migrationpanel.remote.CommandResult;
import dev.migrationpanel.remote.RemoteException;
import dev.migrationpanel.remote.SshSession;
import dev.migrationpanel.remote.TransferProgress;

/**
 * SFTP transfers between an instance and the artifact store, streamed both ways (never a whole file in
 * memory), with progress, cancel and the step's timeout; an upload is verified by its SHA-256 on arrival.
 */
@Configuration(proxyBeanMethods = false)
class TransferExecutors {

    @Bean
    StepExecutor downloadExecutor(ArtifactStore store) {
        return new StepExecutor() {
            @Override
            public String kind() {
                return StepSpec.DOWNLOAD;
            }

            @Override
            public StepResult execute(StepRun run) {
                StepSpec.Download spec = (StepSpec.Download) run.spec();
                SshSession ssh = run.ssh();
                long size = ssh.sizeOf(spec.remotePath());
                run.progress(0, size);
                Watch watch = new Watch(run);
                RemoteException[] failure = {null};
                Artifact artifact;
                try {
                    artifact = store.write(new ArtifactSpec(run.jobId(), run.instance().getId(), run.position(),
                            spec.artifactName(), ArtifactKind.valueOf(spec.artifactKind()), contentType(spec.artifactName()),
                            spec.secret()), out -> {
                                try {
                                    ssh.download(spec.remotePath(), out, watch.progress(size));
                                } catch (RemoteException e) {
                                    failure[0] = e;
                                    throw e;
                                }
                            });
                } catch (ArtifactException e) {
                    watch.throwIfStopped();
                    // the remote side's reason when it failed; the store's own (a full disk) otherwise
                    if (failure[0] != null && failure[0].kind() != RemoteException.Kind.LOCAL_FAILED) {
                        throw failure[0];
                    }
                    throw e;
                }
                run.progress(artifact.getSizeBytes(), size);
                run.note("Stored artifact " + artifact.getName() + ": " + artifact.getSizeBytes() + " bytes, sha256 "
                        + artifact.getSha256() + (artifact.isEncrypted() ? ", encrypted at rest" : ""));
                return StepResult.done(artifact.getName() + " stored (" + artifact.getSizeBytes() + " bytes, sha256 "
                        + artifact.getSha256().substring(0, 12) + "…)");
            }
        };
    }

    @Bean
    StepExecutor uploadExecutor(ArtifactStore store) {
        return new StepExecutor() {
            @Override
            public String kind() {
                return StepSpec.UPLOAD;
            }

            @Override
            public StepResult execute(StepRun run) throws IOException {
                StepSpec.Upload spec = (StepSpec.Upload) run.spec();
                Artifact artifact = spec.artifactId() != null
                        ? store.find(spec.artifactId()).filter(a -> !a.isDeleted())
                                .orElseThrow(() -> new StepFailedException("Artifact " + spec.artifactId()
                                        + " is gone (deleted by retention or by an admin)"))
                        : store.forJob(run.jobId()).stream()
                                .filter(a -> !a.isDeleted() && a.getStep() != null && a.getStep() == spec.fromStep())
                                .max(Comparator.comparing(Artifact::getCreatedAt))
                                .orElseThrow(() -> new StepFailedException("Step " + (spec.fromStep() + 1)
                                        + " of this job has stored no artifact to upload (was it deleted?)"));
                SshSession ssh = run.ssh();
                Watch watch = new Watch(run);
                long sent;
                try (InputStream in = store.open(artifact.getId())) {
                    sent = ssh.upload(in, spec.remotePath(), watch.progress(artifact.getSizeBytes()));
                } catch (RemoteException e) {
                    watch.throwIfStopped();
                    throw e;
                }
                run.progress(sent, artifact.getSizeBytes());
                CommandResult sum = ssh.run("sha256sum " + quote(spec.remotePath()), run.timeout());
                String remoteSha = sum.ok() ? sum.stdout().trim().split("\\s+")[0].toLowerCase(Locale.ROOT) : null;
                if (remoteSha == null) {
                    run.note("Uploaded " + sent + " bytes; not verified: sha256sum is not available on the instance");
                    return StepResult.done("Uploaded " + sent + " bytes (not verified)");
                }
                if (!remoteSha.equals(artifact.getSha256())) {
                    throw new StepFailedException("The uploaded " + spec.remotePath() + " differs from artifact "
                            + artifact.getName() + ": sha256 " + remoteSha + " instead of " + artifact.getSha256());
                }
                run.note("Uploaded " + artifact.getName() + " to " + spec.remotePath() + ": " + sent
                        + " bytes, sha256 verified on arrival");
                return StepResult.done("Uploaded and verified (" + sent + " bytes)");
            }
        };
    }

    static String contentType(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".sql") || lower.endsWith(".env") || lower.endsWith(".txt") || lower.endsWith(".log")) {
            return "text/plain";
        }
        if (lower.endsWith(".tar.gz") || lower.endsWith(".tgz")) {
            return "application/gzip";
        }
        return "application/octet-stream";
    }

    /** Reports progress and stops a transfer on cancel or past the step's timeout, and says which it was. */
    private static final class Watch {
        private final StepRun run;
        private final long deadline;
        private volatile boolean timedOut;

        Watch(StepRun run) {
            this.run = run;
            this.deadline = System.nanoTime() + run.timeout().toNanos();
        }

        TransferProgress progress(long total) {
            return bytes -> {
                run.progress(bytes, total);
                if (System.nanoTime() > deadline) {
                    timedOut = true;
                    return false;
                }
                return !run.cancelled();
            };
        }

        void throwIfStopped() {
            if (timedOut) {
                throw new StepFailedException("The transfer did not finish within " + run.timeout().toSeconds() + " s");
            }
            if (run.cancelled()) {
                throw new RemoteException(RemoteException.Kind.CANCELLED, "Cancelled: the transfer was stopped");
            }
        }
    }
}
