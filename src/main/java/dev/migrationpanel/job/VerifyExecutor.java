package dev.migrationpanel.job;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

/** Runs a {@link StepSpec.Verify} step with the {@link JobCheck} of that id. */
@Component
class VerifyExecutor implements StepExecutor {

    private final Map<String, JobCheck> checks;

    VerifyExecutor(List<JobCheck> checks) {
        this.checks = checks.stream().collect(Collectors.toMap(JobCheck::id, Function.identity()));
    }

    @Override
    public String kind() {
        return StepSpec.VERIFY;
    }

    @Override
    public StepResult execute(StepRun run) throws Exception {
        StepSpec.Verify spec = (StepSpec.Verify) run.spec();
        JobCheck check = checks.get(spec.check());
        if (check == null) {
            throw new StepFailedException("This panel has no check named '" + spec.check() + "'");
        }
        return check.run(run, spec.args());
    }
}
