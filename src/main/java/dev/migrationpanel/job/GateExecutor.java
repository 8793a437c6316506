package dev.migrationpanel.job;

import org.springframework.stereotype.Component;

/** A confirmation gate: the job pauses here, holding its locks, until an admin clicks continue. */
@Component
class GateExecutor implements StepExecutor {

    @Override
    public String kind() {
        return StepSpec.GATE;
    }

    @Override
    public StepResult execute(StepRun run) {
        return StepResult.waitForConfirmation(((StepSpec.Gate) run.spec()).prompt());
    }
}
