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

    /** A step the plan shows but does not run: its reason goes to the log. */
    @Component
    static class NoteExecutor implements StepExecutor {
        @Override
        public String kind() {
            return StepSpec.NOTE;
        }

        @Override
        public StepResult execute(StepRun run) {
            String text = ((StepSpec.Note) run.spec()).text();
            run.note("Not run: " + text);
            return StepResult.done("Not run: " + text);
        }
    }
}
